/** Upload a file once (files are shared by every printer), then select and print it on the chosen printer. */
import { useRef, useState } from 'preact/hooks';
import { api, reasonOf, upload } from '../../api/http.js';
import { can } from '../../api/session.js';
import { useLeaveWarning } from '../../components/leave-warning.js';
import { ProgressBar } from '../../components/progress.js';
import { encodePath, printerBase } from '../../lib/page.js';

interface UploadAnswer {
  files?: { local?: { path?: string } };
}

export function UploadAndPrint({ names, order }: { names: Readonly<Record<string, string>>; order: readonly string[] }) {
  const [target, setTarget] = useState<string>('');
  const [result, setResult] = useState('');
  const [failed, setFailed] = useState(false);
  const [progress, setProgress] = useState<number | null>(null);
  useLeaveWarning(progress !== null);
  const sending = useRef(false);
  const printer = order.includes(target) ? target : (order[0] ?? '');
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const file = (form.elements.namedItem('file') as HTMLInputElement).files?.[0];
    const print = (form.elements.namedItem('print') as HTMLInputElement).checked && can('PRINT');
    // a second Upload (Enter again, a second click) while the first is on its way would send the file twice and start a second print
    if (!file || sending.current) return;
    sending.current = true;
    setResult(`uploading ${file.name}…`);
    setFailed(false);
    setProgress(0);
    try {
      const answer = await upload<UploadAnswer>('api/files/local', file, {}, setProgress);
      const path = answer?.files?.local?.path ?? file.name;
      if (!print) return setResult(`uploaded ${path}`);
      if (!printer) return setResult(`uploaded ${path}; no printer to print it on`);
      setResult(`uploaded ${path}; starting it on ${names[printer] ?? printer}…`);
      await api('POST', `${printerBase(printer)}api/files/local/${encodePath(path)}`, { command: 'select', print: true }).then(
        () => setResult(`printing ${path} on ${names[printer] ?? printer}`),
        (err) => (setResult(`uploaded ${path}; print failed: ${reasonOf(err)}`), setFailed(true)),
      );
    } catch (err) {
      setResult(`upload failed: ${reasonOf(err)}`);
      setFailed(true);
    } finally {
      sending.current = false;
      setProgress(null);
    }
  };
  return (
    <section class="panel" aria-labelledby="upload-h">
      <header>
        <h2 id="upload-h">Upload and print</h2>
      </header>
      <form id="upload-form" class="row" onSubmit={(e) => void submit(e)}>
        <label>
          Printer
          <select id="upload-printer" value={printer} onChange={(e) => setTarget((e.currentTarget as HTMLSelectElement).value)}>
            {order.map((id) => (
              <option value={id}>{names[id] ?? id}</option>
            ))}
          </select>
        </label>
        <label>
          <span class="sr-only">G-code file</span>
          <input id="file" type="file" name="file" accept=".gcode,.gco,.g" required />
        </label>
        {can('PRINT') && (
          <label>
            <input id="print" name="print" type="checkbox" defaultChecked /> start printing
          </label>
        )}
        <button type="submit" class="primary" disabled={progress !== null}>
          Upload
        </button>
      </form>
      {progress !== null && <ProgressBar value={progress * 100} label="Upload progress" />}
      <p id="upload-result" class={failed ? 'error' : 'muted'} role="status">
        {result}
      </p>
    </section>
  );
}
