/**
 * Decompresses an archive (./format.ts: a series of gzip members) in the calling thread, member by
 * member, with zlib's synchronous inflate: run in the backup worker, decompression is niced with it,
 * where zlib's stream would decompress on libuv's pool at normal priority, beside the host's main
 * thread. Each member's CRC-32 and length are checked, as gunzip checks them. A member longer than
 * cuttle writes (a foreign .tar.gz of one member) is refused rather than held in memory.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';

/** compressed bytes read at a time */
const READ = 4 * 1024 * 1024;
/** no member cuttle writes comes near this (each holds 1 MiB before compression) */
const MAX_MEMBER = 64 * 1024 * 1024;

/** A gzip problem, with the code zlib's stream gives the same one (the reader classifies by it). */
export class GzipError extends Error {
  constructor(
    message: string,
    readonly code: 'Z_DATA_ERROR' | 'Z_BUF_ERROR',
  ) {
    super(message);
    this.name = 'GzipError';
  }
}

/** The header's length of the member at `at` (magic, deflate, optional fields); undefined when `data` ends within it. */
function headerLength(data: Buffer, at: number): number | undefined {
  if (data.length - at < 10) return undefined;
  if (data[at] !== 0x1f || data[at + 1] !== 0x8b || data[at + 2] !== 8) throw new GzipError('incorrect header check', 'Z_DATA_ERROR');
  const flags = data[at + 3]!;
  let end = at + 10;
  if (flags & 0x04) {
    if (data.length < end + 2) return undefined;
    end += 2 + data.readUInt16LE(end);
  }
  for (const bit of [0x08, 0x10]) {
    if (!(flags & bit)) continue;
    const zero = data.indexOf(0, end);
    if (zero < 0) return undefined;
    end = zero + 1;
  }
  if (flags & 0x02) end += 2;
  return end > data.length ? undefined : end - at;
}

/** The decompressed bytes of `file`, a member at a time. */
export function* gunzipMembers(file: string): Generator<Buffer> {
  const fd = fs.openSync(file, 'r');
  let data = Buffer.alloc(0);
  /** where the next member begins in `data` */
  let at = 0;
  /** Appends the next read of the file to what is not consumed yet (which moves to the front); false at the file's end. */
  const more = (): boolean => {
    const chunk = Buffer.allocUnsafe(READ);
    const read = fs.readSync(fd, chunk, 0, READ, null);
    if (read === 0) return false;
    data = Buffer.concat([data.subarray(at), chunk.subarray(0, read)]);
    at = 0;
    return true;
  };
  /** More for a member that goes on past what is read: truncated at the file's end, refused when longer than cuttle writes. */
  const moreOfMember = (): void => {
    if (data.length - at > MAX_MEMBER) throw new GzipError(`a gzip member is longer than ${MAX_MEMBER} bytes`, 'Z_DATA_ERROR');
    if (!more()) throw new GzipError('unexpected end of file', 'Z_BUF_ERROR');
  };
  try {
    for (;;) {
      if (at === data.length && !more()) return;
      const header = headerLength(data, at);
      if (header === undefined) {
        moreOfMember();
        continue;
      }
      let inflated: { buffer: Buffer; engine: zlib.InflateRaw };
      try {
        // stops at the member's end; engine.bytesWritten is the compressed bytes it took
        inflated = zlib.inflateRawSync(data.subarray(at + header), { info: true }) as unknown as { buffer: Buffer; engine: zlib.InflateRaw };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'Z_BUF_ERROR') throw new GzipError((err as Error).message, 'Z_DATA_ERROR');
        moreOfMember();
        continue;
      }
      const trailer = at + header + inflated.engine.bytesWritten;
      if (data.length - trailer < 8) {
        // the trailer is past what is read (rare: at a read's edge): inflate the member again with more
        moreOfMember();
        continue;
      }
      if (data.readUInt32LE(trailer) !== zlib.crc32(inflated.buffer) || data.readUInt32LE(trailer + 4) !== inflated.buffer.length % 2 ** 32) {
        throw new GzipError('incorrect data check', 'Z_DATA_ERROR');
      }
      at = trailer + 8;
      yield inflated.buffer;
    }
  } finally {
    fs.closeSync(fd);
  }
}
