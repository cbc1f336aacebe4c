/**
 * What to do on several printers at once: preheat with a preset (or off), print the same file, cancel
 * their jobs (after a confirmation). Each printer answers for itself; refusals are listed by name.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, reasonOf } from '../../api/http.js';
import { can } from '../../api/session.js';
import type { FileEntry, FileListing } from '../../api/types.js';
import { ConfirmDialog } from '../../components/confirm.js';
import { loadPresets, presets as hostPresets } from '../../lib/presets.js';
import { encodePath, printerBase } from '../../lib/page.js';
import { setTargets } from '../printer/heaters.js';

function gcodeFiles(entries: FileEntry[]): string[] {
  return entries.flatMap((e) => (e.type === 'folder' ? gcodeFiles(e.children ?? []) : e.type === 'machinecode' ? [e.path] : []));
}

export function BulkActions({ selected, names, onDone }: { selected: readonly string[]; names: Readonly<Record<string, string>>; onDone(): void }) {
  const [files, setFiles] = useState<string[]>([]);
  const [file, setFile] = useState('');
  const [outcome, setOutcome] = useState('');
  // each refusal by the printer's name, isolated: a right-to-left name turned the host's reason after it around
  const [refusals, setRefusals] = useState<{ name: string; reason: string }[]>([]);
  const [confirming, setConfirming] = useState(false);
  // one action at a time: a second click while the printers still answer the first would send it again
  const [running, setRunning] = useState(false);
  const busy = useRef(false);
  const presets = hostPresets.value ?? [];
  useEffect(() => void loadPresets(), []);
  useEffect(() => void api<FileListing>('GET', 'api/files/local?recursive=true').then((r) => setFiles(gcodeFiles(r.files)), () => setFiles([])), []);
  const each = async (what: string, act: (base: string) => Promise<unknown>) => {
    if (busy.current) return;
    busy.current = true;
    setRunning(true);
    setOutcome(`${what} on ${selected.length} printers…`);
    setRefusals([]);
    const results = await Promise.allSettled(selected.map((id) => act(printerBase(id))));
    busy.current = false;
    setRunning(false);
    const refused = results.flatMap((r, i) => (r.status === 'rejected' ? [{ name: names[selected[i]!] ?? selected[i]!, reason: reasonOf(r.reason) }] : []));
    setOutcome(refused.length ? `${what}: ${results.length - refused.length} of ${results.length} done` : `${what}: done on ${results.length} printers`);
    setRefusals(refused);
  };
  return (
    <div class="bulk row" role="group" aria-label="Selected printers">
      <strong>{selected.length} selected</strong>
      {can('CONTROL') &&
        presets.map((p) => (
          <button type="button" data-bulk-preset={p.name} disabled={running} onClick={() => void each(`preheat ${p.name}`, (base) => setTargets({ tool0: p.tool, bed: p.bed }, base))}>
            Preheat {p.name}
          </button>
        ))}
      {can('CONTROL') && (
        <button type="button" data-bulk-preset="off" disabled={running} onClick={() => void each('heaters off', (base) => setTargets({ tool0: 0, bed: 0 }, base))}>
          Heaters off
        </button>
      )}
      {can('PRINT') && (
        <form
          class="row"
          onSubmit={(e) => {
            e.preventDefault();
            if (file) void each(`print ${file}`, (base) => api('POST', `${base}api/files/local/${encodePath(file)}`, { command: 'select', print: true }));
          }}
        >
          <label>
            File
            <select id="bulk-file" value={file} onChange={(e) => setFile((e.currentTarget as HTMLSelectElement).value)}>
              <option value="">choose…</option>
              {files.map((f) => (
                <option value={f}>{f}</option>
              ))}
            </select>
          </label>
          <button type="submit" class="primary" disabled={!file || running}>
            Print on all
          </button>
        </form>
      )}
      {can('PRINT') && (
        <button type="button" class="danger" id="bulk-cancel" disabled={running} onClick={() => setConfirming(true)}>
          Cancel jobs
        </button>
      )}
      <button type="button" onClick={onDone}>
        Clear selection
      </button>
      <p class="muted" role="status" id="bulk-outcome" style={{ flexBasis: '100%', margin: 0 }}>
        {outcome}
        {refusals.map((r) => (
          <>
            ; <bdi>{r.name}</bdi>: {r.reason}
          </>
        ))}
      </p>
      <ConfirmDialog
        open={confirming}
        title={`Cancel the jobs of ${selected.length} printers?`}
        text={
          <>
            {selected.map((id, i) => (
              <>
                {i > 0 && ', '}
                <bdi>{names[id] ?? id}</bdi>
              </>
            ))}
            : their prints stop now and cannot be resumed.
          </>
        }
        confirm="Cancel jobs"
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          void each('cancel', (base) => api('POST', `${base}api/job`, { command: 'cancel' }));
        }}
      />
    </div>
  );
}
