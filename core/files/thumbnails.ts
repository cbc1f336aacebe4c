/**
 * Thumbnails that slicers embed in G-code comments (PrusaSlicer, SuperSlicer, OrcaSlicer, Cura's
 * plugin): `; thumbnail begin 300x300 12345` (or `thumbnail_JPG`, `thumbnail_QOI`: made a PNG, qoi.ts),
 * base64 lines, `; thumbnail end`.
 * Extracted after a file's analysis into a `.thumbs` folder beside it (`<stem>-<W>x<H>.png`, as
 * Moonraker names them, so its clients find them), hidden from listings like every dot name; moved,
 * copied and removed with their file. Only the file's head is read: slicers write them first.
 */
import fs from 'node:fs';
import path from 'node:path';
import { qoiToPng } from './qoi.js';
import { makeDirectory } from '../common/make-directory.js';

export const THUMBS_FOLDER = '.thumbs';
/** how much of a file's head is searched for thumbnails */
const HEAD_BYTES = 4 * 1024 * 1024;
const MAX_THUMBNAILS = 8;
const MAX_SIDE = 2048;
/** the kinds slicers write, each checked by its first bytes; QOI is converted to PNG (browsers show no QOI) */
const FORMATS: Record<string, { ext: string; magic: number[]; convert?: (data: Buffer) => Buffer | null }> = {
  '': { ext: 'png', magic: [0x89, 0x50, 0x4e, 0x47] },
  _PNG: { ext: 'png', magic: [0x89, 0x50, 0x4e, 0x47] },
  _JPG: { ext: 'jpg', magic: [0xff, 0xd8, 0xff] },
  _QOI: { ext: 'png', magic: [0x71, 0x6f, 0x69, 0x66], convert: qoiToPng },
};

export interface FileThumbnail {
  width: number;
  height: number;
  /** bytes */
  size: number;
  /** relative to the file's folder: `.thumbs/<stem>-<W>x<H>.<png|jpg>` */
  path: string;
}

/** A thumbnail's file name as this module writes them; anything else under `.thumbs` is not served. */
export const THUMBNAIL_NAME = /^[^/]+-\d{1,4}x\d{1,4}\.(png|jpg)$/;

function stemOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? fileName.slice(0, dot) : fileName;
}

/** The thumbnails in a G-code text: kind suffix, size, and the decoded image. */
export function parseThumbnails(text: string): { width: number; height: number; ext: string; data: Buffer }[] {
  const found: { width: number; height: number; ext: string; data: Buffer }[] = [];
  const block = /^;\s*thumbnail(_[A-Z0-9]+)? begin (\d+)x(\d+) (\d+)\s*$([\s\S]*?)^;\s*thumbnail\1 end/gm;
  for (const match of text.matchAll(block)) {
    const format = FORMATS[match[1] ?? ''];
    const width = Number(match[2]);
    const height = Number(match[3]);
    if (!format || width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE) continue;
    const base64 = match[5]!.replace(/^;[ \t]?/gm, '').replace(/\s+/g, '');
    if (base64.length !== Number(match[4])) continue;
    const raw = Buffer.from(base64, 'base64');
    if (!format.magic.every((byte, i) => raw[i] === byte)) continue;
    const data = format.convert ? format.convert(raw) : raw;
    if (!data) continue;
    found.push({ width, height, ext: format.ext, data });
    if (found.length === MAX_THUMBNAILS) break;
  }
  return found;
}

/**
 * The lines of `head` from the first that names a thumbnail to the last that does, as text: every
 * block lies within them. This runs on the main thread, once per analysed file: decoding and
 * matching the whole 4 MB head took 10 to 20 ms there (the bus waited meanwhile), finding the two
 * lines takes native searches of well under one.
 */
function thumbnailLines(head: Buffer): string {
  const first = head.indexOf('thumbnail');
  if (first < 0) return '';
  const last = head.lastIndexOf('thumbnail');
  const start = head.lastIndexOf(0x0a, first) + 1;
  const end = head.indexOf(0x0a, last);
  return head.subarray(start, end < 0 ? head.length : end).toString('latin1');
}

/** Extracts the thumbnails of the G-code file at `abs` beside it, replacing any it had; [] when it has none. */
export async function extractThumbnails(abs: string): Promise<FileThumbnail[]> {
  const handle = await fs.promises.open(abs, 'r');
  let head: Buffer;
  try {
    const buffer = Buffer.allocUnsafe(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  const images = parseThumbnails(thumbnailLines(head));
  const folder = path.join(path.dirname(abs), THUMBS_FOLDER);
  const stem = stemOf(path.basename(abs));
  await removeThumbnailsOf(abs);
  if (images.length === 0) return [];
  await makeDirectory(folder);
  const thumbnails: FileThumbnail[] = [];
  for (const image of images) {
    const name = `${stem}-${image.width}x${image.height}.${image.ext}`;
    await fs.promises.writeFile(path.join(folder, name), image.data);
    thumbnails.push({ width: image.width, height: image.height, size: image.data.length, path: `${THUMBS_FOLDER}/${name}` });
  }
  return thumbnails;
}

/** Removes the thumbnails this module wrote for the file at `abs` (its stem's, any size). */
export async function removeThumbnailsOf(abs: string): Promise<void> {
  const folder = path.join(path.dirname(abs), THUMBS_FOLDER);
  const stem = stemOf(path.basename(abs));
  const names = await fs.promises.readdir(folder).catch(() => [] as string[]);
  for (const name of names) {
    if (THUMBNAIL_NAME.test(name) && name.slice(0, name.lastIndexOf('-')) === stem) await fs.promises.rm(path.join(folder, name), { force: true });
  }
}

/** Copies or moves a file's thumbnails to go with it to `dstAbs`; the list the moved file's metadata keeps. */
export async function transferThumbnails(srcAbs: string, dstAbs: string, thumbnails: readonly FileThumbnail[], kind: 'copy' | 'move'): Promise<FileThumbnail[]> {
  const from = path.join(path.dirname(srcAbs), THUMBS_FOLDER);
  const to = path.join(path.dirname(dstAbs), THUMBS_FOLDER);
  const stem = stemOf(path.basename(dstAbs));
  await makeDirectory(to);
  const moved: FileThumbnail[] = [];
  for (const thumbnail of thumbnails) {
    const name = `${stem}-${thumbnail.width}x${thumbnail.height}${path.extname(thumbnail.path)}`;
    const source = path.join(from, path.basename(thumbnail.path));
    const target = path.join(to, name);
    const done = kind === 'move' ? fs.promises.rename(source, target) : fs.promises.copyFile(source, target);
    if (await done.then(() => true, () => false)) moved.push({ ...thumbnail, path: `${THUMBS_FOLDER}/${name}` });
  }
  return moved;
}
