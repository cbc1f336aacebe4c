/**
 * Serving a file with HTTP range support (`Range: bytes=a-b`, `a-`, `-n`; one range), as OctoPrint's
 * downloads do: 206 with Content-Range, 416 for a range outside the file, the whole file otherwise.
 * Used by `/downloads/files/local/<path>` so that viewers and resuming downloads work.
 */
import fs from 'node:fs';
import type Koa from 'koa';

export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'invalid' | null {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  // several ranges, or another unit: answer with the whole file, as RFC 9110 allows
  if (!match || (!match[1] && !match[2])) return null;
  let start: number;
  let end: number;
  if (!match[1]) {
    const suffix = Number(match[2]);
    if (suffix === 0) return 'invalid';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] ? Math.min(Number(match[2]), size - 1) : size - 1;
  }
  if (start >= size || start > end) return 'invalid';
  return { start, end };
}

/** Answers with the file (or the requested part of it). */
export function sendFile(ctx: Koa.Context, diskPath: string, size: number): void {
  ctx.set('Accept-Ranges', 'bytes');
  const range = parseRange(ctx.get('Range') || undefined, size);
  if (range === 'invalid') {
    ctx.status = 416;
    ctx.set('Content-Range', `bytes */${size}`);
    ctx.body = { error: 'Requested range not satisfiable' };
    return;
  }
  const { start, end } = range ?? { start: 0, end: size - 1 };
  ctx.status = range ? 206 : 200;
  if (range) ctx.set('Content-Range', `bytes ${start}-${end}/${size}`);
  // HEAD: headers only, and no file handle opened for a body nobody reads
  if (ctx.method !== 'HEAD') ctx.body = size === 0 ? '' : fs.createReadStream(diskPath, { start, end });
  ctx.length = end - start + 1;
}
