/** OctoPrint's JSON shapes for file and folder entries (`/api/files`, the upload answer). */
import type { StorageOrigin } from '../events/catalogue.js';
import { HttpError } from '../http/http-error.js';
import type { StoredEntry, StoredFile } from './file-manager.js';

export { baseUrlOf } from '../http/base-url.js';

/** The storage a `{location}` path segment names; 404 for any other. */
export function storageOrigin(value: string | undefined): StorageOrigin {
  if (value === 'local' || value === 'sdcard') return value;
  throw new HttpError(404, `unknown location "${value ?? ''}"`);
}

export function encodeStoragePath(p: string): string {
  return p.split('/').map(encodeURIComponent).join('/');
}

export function resourceUrl(base: string, origin: StorageOrigin, p: string): string {
  return `${base}/api/files/${origin}/${encodeStoragePath(p)}`;
}

export function downloadUrl(base: string, p: string): string {
  return `${base}/downloads/files/local/${encodeStoragePath(p)}`;
}

export function refsOf(base: string, entry: { origin: StorageOrigin; path: string; kind: 'file' | 'folder' }): Record<string, string> {
  const refs: Record<string, string> = { resource: resourceUrl(base, entry.origin, entry.path) };
  if (entry.kind === 'file' && entry.origin === 'local') refs.download = downloadUrl(base, entry.path);
  return refs;
}

export function entryJson(base: string, entry: StoredEntry): Record<string, unknown> {
  const common = { name: entry.name, display: entry.name, path: entry.path, origin: entry.origin, refs: refsOf(base, entry) };
  if (entry.kind === 'folder') {
    const folder: Record<string, unknown> = { ...common, type: 'folder', typePath: ['folder'] };
    if (entry.children) folder.children = entry.children.map((c) => entryJson(base, c));
    if (entry.size !== undefined) folder.size = entry.size;
    return folder;
  }
  return fileJson(base, entry, common);
}

function fileJson(base: string, file: StoredFile, common: Record<string, unknown>): Record<string, unknown> {
  const json: Record<string, unknown> = { ...common, type: file.typePath[0], typePath: file.typePath, size: file.size, date: file.date };
  if (file.analysis) json.gcodeAnalysis = file.analysis;
  if (file.prints) {
    const { averagePrintTime, ...prints } = file.prints;
    json.prints = prints;
    const last = prints.last?.success ? prints.last.printTime : null;
    json.statistics = {
      averagePrintTime: averagePrintTime === undefined ? {} : { _default: averagePrintTime },
      lastPrintTime: last === null || last === undefined ? {} : { _default: last },
    };
  }
  if (file.user) json.user = file.user;
  return json;
}
