/**
 * This printer's timelapses (`api/timelapse`): the rendered movies to play, download or delete, and
 * the frame sets still being recorded or rendered. A movie is fetched with the sign-in's header and
 * played from a blob (a <video src> could not carry the header).
 */
import { useEffect, useState } from 'preact/hooks';
import { useLatestLoad } from '../../components/use-latest-load.js';
import { api, currentCredential, reasonOf } from '../../api/http.js';
import { can } from '../../api/session.js';
import { Notice } from '../../components/notice.js';
import { isolate } from '../../lib/bidi.js';
import type { PrinterStream } from '../../push/printer-stream.js';

interface Movie {
  name: string;
  size: string;
  date: string;
}
interface Unrendered {
  name: string;
  frames: number;
  recording: boolean;
  rendering: boolean;
}
interface Overview {
  enabled: boolean;
  files: Movie[];
  unrendered: Unrendered[];
}

const TIMELAPSE_EVENTS = new Set(['MovieDone', 'MovieFailed', 'MovieRendering', 'CaptureDone', 'PrintDone', 'PrintFailed', 'PrintCancelled']);

async function movieBlob(name: string): Promise<string> {
  const response = await fetch(`api/timelapse/${encodeURIComponent(name)}`, { headers: { 'X-Api-Key': currentCredential() ?? '' } });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return URL.createObjectURL(await response.blob());
}

export function TimelapsePanel({ stream }: { stream: PrinterStream }) {
  const [overview, setOverview] = useState<Overview | null>(null);
  const [playing, setPlaying] = useState<{ name: string; url: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [changed, setChanged] = useState(0);
  const last = stream.events.value.find((e) => TIMELAPSE_EVENTS.has(e.type))?.seq;
  // the listing's failure is old news once a listing works; a movie's (play, download, delete) stays to be read
  const [listError, setListError] = useState<string | null>(null);
  useLatestLoad(() => api<Overview>('GET', 'api/timelapse'), (listed) => (setOverview(listed), setListError(null)), (err) => setListError(reasonOf(err)), [last, changed]);
  useEffect(() => () => playing && URL.revokeObjectURL(playing.url), [playing]);
  const play = (name: string) => movieBlob(name).then((url) => setPlaying({ name, url }), (err) => setError(`cannot play ${name}: ${reasonOf(err)}`));
  const save = (name: string) =>
    movieBlob(name).then(
      (url) => {
        const a = document.createElement('a');
        a.href = url;
        a.download = name;
        a.click();
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
      },
      (err) => setError(`cannot download ${name}: ${reasonOf(err)}`),
    );
  const remove = (name: string) => {
    if (!confirm(`Delete the timelapse ${isolate(name)}?`)) return;
    api('DELETE', `api/timelapse/${encodeURIComponent(name)}`).then(() => setChanged((n) => n + 1), (err) => setError(reasonOf(err)));
  };
  return (
    <section class="panel" aria-labelledby="timelapse-h">
      <header>
        <h2 id="timelapse-h">Timelapses</h2>
        {overview && <span class="muted">{overview.enabled ? 'recording prints' : 'off'}</span>}
      </header>
      <Notice error={listError} onDismiss={() => setListError(null)} />
      <Notice error={error} onDismiss={() => setError(null)} />
      {playing && (
        <figure style={{ margin: 0 }}>
          <video id="timelapse-player" src={playing.url} controls autoPlay muted style={{ width: '100%' }} />
          <figcaption class="muted">{playing.name}</figcaption>
        </figure>
      )}
      {overview && overview.files.length === 0 && overview.unrendered.length === 0 && <p class="muted">No timelapses yet.</p>}
      <ul class="log" id="timelapses">
        {(overview?.files ?? []).map((m) => (
          <li key={m.name} data-movie={m.name} class="row">
            <span class="text" style={{ flex: 1 }}>
              {m.name} <span class="muted">{m.size} · {m.date}</span>
            </span>
            <button type="button" data-action="play" onClick={() => void play(m.name)}>
              Play
            </button>
            {can('TIMELAPSE_DOWNLOAD') && (
              <button type="button" data-action="download" onClick={() => void save(m.name)}>
                Download
              </button>
            )}
            {can('TIMELAPSE_DELETE') && (
              <button type="button" class="danger" data-action="delete" onClick={() => remove(m.name)}>
                Delete
              </button>
            )}
          </li>
        ))}
        {(overview?.unrendered ?? []).map((u) => (
          <li key={u.name} class="muted">
            {u.name}: {u.frames} frames, {u.recording ? 'recording' : u.rendering ? 'rendering' : 'not rendered'}
          </li>
        ))}
      </ul>
    </section>
  );
}
