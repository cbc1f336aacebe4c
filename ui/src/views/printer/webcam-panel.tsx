/**
 * The webcam: the configured snapshot URL (`webcam.snapshotUrl`, or the host's test pattern) as
 * `api/settings` gives it, refreshed every two seconds while the page is visible. A path on this
 * host is used relative to the page, so it works under every base; another origin is allowed by
 * the page's CSP for that origin only.
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api/http.js';

const REFRESH_MS = 2000;

export function WebcamPanel() {
  const [url, setUrl] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    api<{ webcam?: { webcamEnabled?: boolean; snapshotUrl?: string } }>('GET', 'api/settings').then(
      (s) => setUrl(s.webcam?.webcamEnabled && s.webcam.snapshotUrl ? s.webcam.snapshotUrl.replace(/^\/+/, '') : ''),
      () => setUrl(''),
    );
  }, []);
  useEffect(() => {
    const timer = setInterval(() => document.visibilityState === 'visible' && setTick((n) => n + 1), REFRESH_MS);
    return () => clearInterval(timer);
  }, []);
  if (!url) return null;
  const src = `${url}${url.includes('?') ? '&' : '?'}_=${tick}`;
  return (
    <section class="panel" aria-labelledby="webcam-h">
      <header>
        <h2 id="webcam-h">Webcam</h2>
      </header>
      {failed && <p class="notice">The webcam does not answer ({url}).</p>}
      <img id="webcam" src={src} alt="The printer's webcam, refreshed every two seconds" style={{ width: '100%', borderRadius: '6px' }} onLoad={() => setFailed(false)} onError={() => setFailed(true)} />
    </section>
  );
}
