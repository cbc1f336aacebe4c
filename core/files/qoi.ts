/**
 * QOI images (PrusaSlicer's default thumbnail format for Prusa's newer printers) turned into PNG,
 * which every browser shows: a QOI decoder (qoiformat.org's specification) and the smallest PNG
 * encoder (RGBA, unfiltered rows, zlib from node). Malformed input gives null, never a throw.
 */
import zlib from 'node:zlib';

const MAX_PIXELS = 2048 * 2048;

/** The RGBA pixels of a QOI image, or null when it is not a well-formed one. */
export function decodeQoi(data: Buffer): { width: number; height: number; rgba: Buffer } | null {
  if (data.length < 22 || data.toString('latin1', 0, 4) !== 'qoif') return null;
  const width = data.readUInt32BE(4);
  const height = data.readUInt32BE(8);
  if (width === 0 || height === 0 || width * height > MAX_PIXELS) return null;
  const rgba = Buffer.alloc(width * height * 4);
  const index = new Uint8Array(64 * 4);
  let [r, g, b, a] = [0, 0, 0, 255];
  let p = 14;
  const end = data.length - 8;
  for (let px = 0; px < rgba.length; ) {
    if (p >= end) return null;
    const op = data[p++]!;
    let run = 1;
    if (op === 0xfe) {
      [r, g, b] = [data[p]!, data[p + 1]!, data[p + 2]!];
      p += 3;
    } else if (op === 0xff) {
      [r, g, b, a] = [data[p]!, data[p + 1]!, data[p + 2]!, data[p + 3]!];
      p += 4;
    } else if (op >> 6 === 0) {
      [r, g, b, a] = [index[op * 4]!, index[op * 4 + 1]!, index[op * 4 + 2]!, index[op * 4 + 3]!];
    } else if (op >> 6 === 1) {
      r = (r + ((op >> 4) & 3) - 2) & 0xff;
      g = (g + ((op >> 2) & 3) - 2) & 0xff;
      b = (b + (op & 3) - 2) & 0xff;
    } else if (op >> 6 === 2) {
      const next = data[p++]!;
      const dg = (op & 0x3f) - 32;
      r = (r + dg - 8 + (next >> 4)) & 0xff;
      g = (g + dg) & 0xff;
      b = (b + dg - 8 + (next & 0x0f)) & 0xff;
    } else {
      run = (op & 0x3f) + 1;
    }
    const slot = ((r * 3 + g * 5 + b * 7 + a * 11) % 64) * 4;
    index[slot] = r;
    index[slot + 1] = g;
    index[slot + 2] = b;
    index[slot + 3] = a;
    for (; run > 0 && px < rgba.length; run--, px += 4) {
      rgba[px] = r;
      rgba[px + 1] = g;
      rgba[px + 2] = b;
      rgba[px + 3] = a;
    }
  }
  return { width, height, rgba };
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0);
  return Buffer.concat([head, body, crc]);
}

/** A PNG of RGBA pixels (8 bits a channel). */
export function encodePng(width: number, height: number, rgba: Buffer): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per channel
  header[9] = 6; // RGBA
  const stride = width * 4;
  const rows = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) rgba.copy(rows, y * (stride + 1) + 1, y * stride, (y + 1) * stride);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', zlib.deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

/** A QOI image as PNG, or null when it is not a well-formed QOI. */
export function qoiToPng(data: Buffer): Buffer | null {
  const image = decodeQoi(data);
  return image ? encodePng(image.width, image.height, image.rgba) : null;
}
