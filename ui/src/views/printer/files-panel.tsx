/**
 * Files: the shared storage by folder (and this printer's SD card), search and sort; drag-and-drop
 * upload with progress into the open folder; per file its analysis (time, filament, size) and
 * Print, Select, Download, Move, Delete, each shown to those who may use it. The list reloads when
 * the host says files changed (UpdatedFiles, FileAdded, FileRemoved …).
 */
import { useMemo, useState } from 'preact/hooks';
import { useLatestLoad } from '../../components/use-latest-load.js';
import { api, ApiError, currentCredential, reasonOf, upload } from '../../api/http.js';
import { can } from '../../api/session.js';
import type { FileEntry, FileListing } from '../../api/types.js';
import { useLeaveWarning } from '../../components/leave-warning.js';
import { Notice } from '../../components/notice.js';
import { ActionsHeader } from '../../components/printer-filter.js';
import { ProgressBar } from '../../components/progress.js';
import { useAction } from '../../components/use-action.js';
import { formatDuration } from '../../lib/format.js';
import { isolate } from '../../lib/bidi.js';
import { encodePath } from '../../lib/page.js';
import { formatBytes } from '../../lib/size.js';
import { hostReturned } from '../../push/connection.js';
import type { PrinterStream } from '../../push/printer-stream.js';

const FILE_EVENTS = new Set(['UpdatedFiles', 'FileAdded', 'FileRemoved', 'FolderAdded', 'FolderRemoved', 'MetadataAnalysisFinished']);
type Sort = 'name' | 'date' | 'size';

function folderAt(files: FileEntry[], path: string): FileEntry[] {
  if (!path) return files;
  let level = files;
  for (const part of path.split('/')) level = level.find((e) => e.type === 'folder' && e.name === part)?.children ?? [];
  return level;
}

function matches(entry: FileEntry, search: string): FileEntry[] {
  const own = entry.name.toLowerCase().includes(search) && entry.type !== 'folder' ? [entry] : [];
  return [...own, ...(entry.children ?? []).flatMap((c) => matches(c, search))];
}

/** Downloads with the sign-in's header (a plain link could not carry it), then saves the blob. */
async function download(entry: FileEntry): Promise<void> {
  const response = await fetch(`downloads/files/local/${encodePath(entry.path)}`, { headers: { 'X-Api-Key': currentCredential() ?? '' } });
  if (!response.ok) throw new Error(`download failed: HTTP ${response.status}`);
  const url = URL.createObjectURL(await response.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = entry.name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function Analysis({ entry }: { entry: FileEntry }) {
  const a = entry.gcodeAnalysis;
  if (!a) return <span class="muted">not analysed</span>;
  const filament = Object.values(a.filament).reduce((sum, f) => sum + f.length, 0);
  return (
    <span class="analysis">
      {formatDuration(a.estimatedPrintTime)} · {(filament / 1000).toFixed(2)} m · {a.dimensions.width.toFixed(0)}×{a.dimensions.depth.toFixed(0)}×{a.dimensions.height.toFixed(1)} mm
    </span>
  );
}

export function FilesPanel({ stream }: { stream: PrinterStream }) {
  const [origin, setOrigin] = useState<'local' | 'sdcard'>('local');
  const [list, setList] = useState<FileListing | null>(null);
  const [folder, setFolder] = useState('');
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState<Sort>('name');
  const [reload, setReload] = useState(0);
  const [over, setOver] = useState(false);
  const [progress, setProgress] = useState<number | null>(null);
  useLeaveWarning(progress !== null);
  const [uploading, setUploading] = useState<{ name: string; count: string } | null>(null);
  const [uploaded, setUploaded] = useState<string[]>([]);
  const [uploadErrors, setUploadErrors] = useState<{ name?: string; reason: string }[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const action = useAction(stream.state.value?.state.text);
  const state = stream.state.value;
  const flags = state?.state.flags;
  const busy = new Set((state?.busyFiles ?? []).map((f) => `${f.origin}:${f.path}`));
  const events = stream.events.value;
  const lastFileEvent = events.find((e) => FILE_EVENTS.has(e.type))?.seq;

  // listed again when the host is back from being away (files may have changed meanwhile, unannounced to this page)
  const returned = hostReturned.value;
  // the listing's failure is its own notice: the next listing that works makes it old news (a file's refusal stays)
  const listing = useAction();
  useLatestLoad(
    () => api<FileListing>('GET', `api/files/${origin}?recursive=true`),
    (listed) => (setList(listed), listing.clear()),
    (err) => {
      // the host away (a reload asked for as it went): what it listed last stays, as the state shown does
      setList((shown) => (shown && err instanceof ApiError && err.status === 0 ? shown : { files: [] }));
      void listing.run(() => Promise.reject(err));
    },
    [origin, reload, lastFileEvent, returned],
  );

  const entries = useMemo(() => {
    const files = list?.files ?? [];
    const shown = search ? files.flatMap((e) => matches(e, search.toLowerCase())) : folderAt(files, folder);
    const key = (e: FileEntry) => (sort === 'name' ? e.name.toLowerCase() : sort === 'date' ? -(e.date ?? 0) : -(e.size ?? 0));
    return [...shown].sort((a, b) => Number(b.type === 'folder') - Number(a.type === 'folder') || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  }, [list, folder, search, sort]);

  // several files dropped at once: each one's refusal stays listed (the next file's success replaced it)
  const uploadFiles = async (files: FileList | null) => {
    const chosen = files ? Array.from(files as ArrayLike<File>) : [];
    const done: string[] = [];
    const failed: { name: string; reason: string }[] = [];
    setUploadErrors([]);
    for (const [i, file] of chosen.entries()) {
      setProgress(0);
      setUploading({ name: file.name, count: chosen.length > 1 ? ` (${i + 1} of ${chosen.length})` : '' });
      try {
        await upload('api/files/local', file, folder ? { path: folder } : {}, setProgress);
        done.push(file.name);
      } catch (err) {
        failed.push({ name: file.name, reason: reasonOf(err) });
      }
    }
    setUploading(null);
    setUploaded(done);
    setUploadErrors(failed);
    setProgress(null);
    setReload((n) => n + 1);
  };

  const command = (entry: FileEntry, body: object) => action.run(() => api('POST', `api/files/${entry.origin}/${encodePath(entry.path)}`, body));
  const remove = (entry: FileEntry) => {
    if (!confirm(`Delete ${isolate(entry.path)}?`)) return;
    void action.run(() => api('DELETE', `api/files/${entry.origin}/${encodePath(entry.path)}`).then(() => setReload((n) => n + 1)));
  };
  const move = (entry: FileEntry) => {
    const destination = prompt(`Move ${isolate(entry.path)} to (folder or new path):`, entry.path);
    if (!destination || destination === entry.path) return;
    void command(entry, { command: 'move', destination }).then(() => setReload((n) => n + 1));
  };
  const newFolder = () => {
    const name = prompt('New folder name:');
    if (!name) return;
    const form = new FormData();
    form.append('foldername', name);
    if (folder) form.append('path', folder);
    void action.run(async () => {
      const response = await fetch(`api/files/${origin}`, { method: 'POST', headers: { 'X-Api-Key': currentCredential() ?? '' }, body: form });
      if (!response.ok) throw new Error(((await response.json().catch(() => ({}))) as { error?: string }).error ?? `HTTP ${response.status}`);
      setReload((n) => n + 1);
    });
  };
  const ready = !!flags?.ready;
  const crumbs = folder ? folder.split('/') : [];
  return (
    <section class="panel files" aria-labelledby="files-h">
      <header>
        <h2 id="files-h">Files</h2>
        <div class="row">
          {flags?.sdReady && (
            <label>
              Storage
              <select value={origin} onChange={(e) => (setOrigin((e.currentTarget as HTMLSelectElement).value as 'local' | 'sdcard'), setFolder(''))}>
                <option value="local">Host</option>
                <option value="sdcard">SD card</option>
              </select>
            </label>
          )}
          <label>
            <span class="sr-only">Search files</span>
            <input type="search" placeholder="Search" value={search} onInput={(e) => setSearch((e.currentTarget as HTMLInputElement).value)} />
          </label>
          <label>
            Sort
            <select value={sort} onChange={(e) => setSort((e.currentTarget as HTMLSelectElement).value as Sort)}>
              <option value="name">name</option>
              <option value="date">newest</option>
              <option value="size">largest</option>
            </select>
          </label>
        </div>
      </header>
      {origin === 'local' && can('FILES_UPLOAD') && (
        <div
          class="drop"
          id="drop"
          data-over={String(over)}
          onDragOver={(e) => {
            e.preventDefault();
            setOver(true);
          }}
          onDragLeave={() => setOver(false)}
          onDrop={(e) => {
            e.preventDefault();
            setOver(false);
            // text or a link dropped (no file): said, rather than nothing happening
            if (!e.dataTransfer?.files.length) {
              setUploaded([]);
              return setUploadErrors([{ reason: 'Nothing was uploaded: what was dropped is no file. Drop G-code files here.' }]);
            }
            void uploadFiles(e.dataTransfer.files);
          }}
        >
          <label class="row" style={{ justifyContent: 'center' }}>
            Drop G-code here or
            <input id="upload-input" type="file" multiple accept=".gcode,.gco,.g" onChange={(e) => void uploadFiles((e.currentTarget as HTMLInputElement).files)} />
          </label>
          {progress !== null && <ProgressBar value={progress * 100} label="Upload progress" />}
          {/* names in <bdi>: a right-to-left name (or one with a direction override) does not turn the sentence around it */}
          <p id="upload-status" class="muted" role="status">
            {uploading ? (
              <>
                uploading <bdi>{uploading.name}</bdi>
                {uploading.count}…
              </>
            ) : (
              uploaded.length > 0 && (
                <>
                  uploaded{' '}
                  {uploaded.map((name, i) => (
                    <>
                      {i > 0 && ', '}
                      <bdi>{name}</bdi>
                    </>
                  ))}
                </>
              )
            )}
          </p>
          {uploadErrors.length > 0 && (
            <div id="upload-errors" class="notice" role="alert">
              <ul>
                {uploadErrors.map((e) => (
                  <li>
                    {e.name !== undefined && (
                      <>
                        <bdi>{e.name}</bdi> was not uploaded:{' '}
                      </>
                    )}
                    {e.reason}
                  </li>
                ))}
              </ul>
            </div>
          )}
        </div>
      )}
      <nav class="row" aria-label="Folder" style={{ margin: '8px 0' }}>
        <button type="button" onClick={() => setFolder('')} disabled={!folder}>
          {origin === 'local' ? 'All files' : 'SD card'}
        </button>
        {crumbs.map((part, i) => (
          <button type="button" onClick={() => setFolder(crumbs.slice(0, i + 1).join('/'))} disabled={i === crumbs.length - 1}>
            {part}
          </button>
        ))}
        {origin === 'local' && can('FILES_UPLOAD') && (
          <button type="button" onClick={newFolder}>
            New folder
          </button>
        )}
      </nav>
      {list === null ? (
        <p class="muted">Loading…</p>
      ) : entries.length === 0 ? (
        <p class="muted">{search ? 'Nothing matches.' : 'No files here yet.'}</p>
      ) : (
        <div style={{ overflowX: 'auto' }}>
          <table id="file-list">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Size</th>
                <th scope="col">Analysis</th>
                <ActionsHeader />
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) =>
                entry.type === 'folder' ? (
                  <tr key={entry.path} data-path={entry.path} data-type="folder">
                    <td class="name" colSpan={3}>
                      <button type="button" onClick={() => (setFolder(entry.path), setSearch(''))}>
                        📁 {entry.name}
                      </button>
                    </td>
                    <td>
                      {can('FILES_DELETE') && (
                        <button type="button" class="danger" onClick={() => remove(entry)}>
                          Delete
                        </button>
                      )}
                    </td>
                  </tr>
                ) : (
                  <tr key={entry.path} data-path={entry.path} aria-selected={selected === entry.path} onClick={() => setSelected(entry.path)}>
                    <td class="name">{entry.path}</td>
                    <td class="num">{formatBytes(entry.size)}</td>
                    <td>
                      <Analysis entry={entry} />
                    </td>
                    <td>
                      <div class="row">
                        {can('PRINT') && (
                          <button type="button" class="primary" data-action="print" disabled={!ready || action.busy} onClick={() => void command(entry, { command: 'select', print: true })}>
                            Print
                          </button>
                        )}
                        {can('FILES_SELECT') && (
                          <button type="button" data-action="select" disabled={!ready || action.busy} onClick={() => void command(entry, { command: 'select' })}>
                            Select
                          </button>
                        )}
                        {entry.origin === 'local' && can('FILES_DOWNLOAD') && (
                          <button type="button" data-action="download" onClick={() => void action.run(() => download(entry))}>
                            Download
                          </button>
                        )}
                        {entry.origin === 'local' && can('FILES_UPLOAD') && can('FILES_DELETE') && (
                          <button type="button" data-action="move" disabled={busy.has(`${entry.origin}:${entry.path}`)} onClick={() => move(entry)}>
                            Move
                          </button>
                        )}
                        {can('FILES_DELETE') && (
                          <button type="button" class="danger" data-action="delete" disabled={busy.has(`${entry.origin}:${entry.path}`)} onClick={() => remove(entry)}>
                            Delete
                          </button>
                        )}
                      </div>
                    </td>
                  </tr>
                ),
              )}
            </tbody>
          </table>
        </div>
      )}
      {list?.free !== undefined && <p class="muted">{formatBytes(list.free)} free</p>}
      <Notice error={listing.error} onDismiss={listing.clear} />
      <Notice error={action.error} onDismiss={action.clear} />
    </section>
  );
}
