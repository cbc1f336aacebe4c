/**
 * Each printer's camera (SETTINGS): the stream and snapshot URLs of its first camera, kept in its
 * `printers:` entry (`PUT api/printers/<id>/webcams`, the list Mainsail edits too); its page shows
 * them, the host's camera (the Webcam page) otherwise. Both emptied, the camera is removed. A URL
 * the host refuses is shown at its field.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, reasonOf } from '../../api/http.js';
import type { PrinterJson, PrinterList, PrinterWebcam } from '../../api/types.js';
import { Notice } from '../../components/notice.js';
import { SaveBar, useSave } from './use-save.js';

type Urls = Pick<PrinterWebcam, 'streamUrl' | 'snapshotUrl'>;
const FIELDS: readonly { key: keyof Urls; label: string; hint: string }[] = [
  { key: 'streamUrl', label: 'Stream URL', hint: 'http://camera.local:8080/?action=stream' },
  { key: 'snapshotUrl', label: 'Snapshot URL', hint: 'http://camera.local:8080/?action=snapshot' },
];

function PrinterCamera({ printer }: { printer: PrinterJson }) {
  const base = `api/printers/${encodeURIComponent(printer.id)}/webcams`;
  const [cameras, setCameras] = useState<PrinterWebcam[] | null>(null);
  const [draft, setDraft] = useState<Urls>({ streamUrl: '', snapshotUrl: '' });
  const [loadError, setLoadError] = useState<string | null>(null);
  const save = useSave((key) => FIELDS.some((f) => key === `webcams[0].${f.key}`));
  const errors = (key: keyof Urls) => save.fieldErrors[`webcams[0].${key}`];
  const shown = (list: PrinterWebcam[]) => {
    setCameras(list);
    setDraft({ streamUrl: list[0]?.streamUrl ?? '', snapshotUrl: list[0]?.snapshotUrl ?? '' });
  };
  useEffect(() => void api<{ webcams: PrinterWebcam[] }>('GET', base).then((r) => shown(r.webcams), (err) => setLoadError(reasonOf(err))), [base]);
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    const [first, ...rest] = cameras ?? [];
    const changed = { ...(first ?? { name: 'Camera' }), streamUrl: draft.streamUrl.trim(), snapshotUrl: draft.snapshotUrl.trim() };
    const webcams = changed.streamUrl || changed.snapshotUrl ? [changed, ...rest] : rest;
    save.run(async () => shown((await api<{ webcams: PrinterWebcam[] }>('PUT', base, { webcams })).webcams));
  };
  const id = (key: string) => `webcam-${printer.id}-${key}`;
  return (
    <form class="settings-form" data-webcam-printer={printer.id} noValidate onSubmit={submit} aria-label={`${printer.name}'s camera`}>
      <h2>{printer.name}</h2>
      {FIELDS.map((f) => (
        <div class="setting">
          <label for={id(f.key)} class="setting-name">
            {f.label}
          </label>
          <input
            id={id(f.key)}
            name={f.key}
            type="url"
            placeholder={f.hint}
            value={draft[f.key]}
            aria-invalid={errors(f.key) ? true : undefined}
            aria-describedby={errors(f.key) ? `${id(f.key)}-error` : undefined}
            onInput={(e) => setDraft({ ...draft, [f.key]: (e.currentTarget as HTMLInputElement).value })}
          />
          {errors(f.key) && (
            <p id={`${id(f.key)}-error`} class="field-error" role="alert">
              {errors(f.key)}
            </p>
          )}
        </div>
      ))}
      <Notice error={loadError} />
      <SaveBar save={save} disabled={!cameras} />
    </form>
  );
}

export function WebcamsSettings() {
  const [printers, setPrinters] = useState<PrinterJson[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => void api<PrinterList>('GET', 'api/printers').then((r) => setPrinters(r.printers), (err) => setError(reasonOf(err))), []);
  return (
    <section class="panel" aria-labelledby="webcams-h">
      <header>
        <h1 id="webcams-h">Printers' webcams</h1>
      </header>
      <p class="muted">
        Each printer's page shows its own camera; a printer without one shows the host's (<a href="#/settings/webcam">Webcam</a>). The stream is shown live, else the snapshot every two seconds.
      </p>
      <Notice error={error} onDismiss={() => setError(null)} />
      {(printers ?? []).map((p) => (
        <PrinterCamera key={p.id} printer={p} />
      ))}
    </section>
  );
}
