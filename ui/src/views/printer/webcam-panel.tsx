/**
 * The webcam: this printer's camera, else the host's, as its `api/settings` gives them (OctoPrint's
 * webcam document, the printer's own under `/printer/<id>/`). The stream (MJPEG) is shown live;
 * without one, or when it fails, the snapshot URL is refreshed every two seconds while the page is
 * visible. A path on this host is used relative to the page, so it works under every base; another
 * origin is allowed by the page's CSP for that origin only.
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api/http.js';

const REFRESH_MS = 2000;

interface WebcamDocument {
  webcam?: { webcamEnabled?: boolean; streamUrl?: string; snapshotUrl?: string };
}

/** A path on this host made relative to the page (every base); an absolute URL as it is. */
const relative = (url: string | undefined) => (url ?? '').replace(/^\/+/, '');

export function WebcamPanel() {
  const [urls, setUrls] = useState<{ stream: string; snapshot: string } | null>(null);
  const [streamFailed, setStreamFailed] = useState(false);
  const [tick, setTick] = useState(0);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    api<WebcamDocument>('GET', 'api/settings').then(
      ({ webcam }) => setUrls(webcam?.webcamEnabled ? { stream: relative(webcam.streamUrl), snapshot: relative(webcam.snapshotUrl) } : { stream: '', snapshot: '' }),
      () => setUrls({ stream: '', snapshot: '' }),
    );
  }, []);
  const live = !!urls?.stream && !streamFailed;
  useEffect(() => {
    if (live) return;
    const timer = setInterval(() => document.visibilityState === 'visible' && setTick((n) => n + 1), REFRESH_MS);
    return () => clearInterval(timer);
  }, [live]);
  if (!urls || (!urls.stream && !urls.snapshot)) return null;
  const url = live ? urls.stream : urls.snapshot;
  const src = live ? url : `${url}${url.includes('?') ? '&' : '?'}_=${tick}`;
  return (
    <section class="panel" aria-labelledby="webcam-h">
      <header>
        <h2 id="webcam-h">Webcam</h2>
      </header>
      {(failed || (streamFailed && !urls.snapshot)) && <p class="notice">The webcam does not answer ({url || urls.stream}).</p>}
      {url && (
        <img
          id="webcam"
          data-kind={live ? 'stream' : 'snapshot'}
          src={src}
          alt={live ? "The printer's webcam, live" : "The printer's webcam, refreshed every two seconds"}
          class="webcam"
          onLoad={() => setFailed(false)}
          onError={() => (live ? setStreamFailed(true) : setFailed(true))}
        />
      )}
    </section>
  );
}
