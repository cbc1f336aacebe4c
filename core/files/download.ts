/** Sends a file of the local storage as a download (OctoPrint's and Moonraker's download routes): 404 unless it is a file. */
import type Koa from 'koa';
import { HttpError } from '../http/http-error.js';
import { sendFile } from '../http/ranges.js';
import type { FileManager } from './file-manager.js';
import { normalisePath } from './paths.js';

export async function sendLocalFile(ctx: Koa.Context, files: FileManager, path: string): Promise<void> {
  const rel = normalisePath(path);
  const entry = await files.get('local', rel);
  if (!entry || entry.kind !== 'file') throw new HttpError(404, 'File not found');
  ctx.type = 'application/octet-stream';
  ctx.attachment(entry.name);
  sendFile(ctx, files.diskPath(rel), entry.size);
}
