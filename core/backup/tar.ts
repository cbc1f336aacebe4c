/**
 * The tar format of backups, written and read by this small code rather than a library, so that
 * what a restore accepts is exactly what is here: regular files and folders (POSIX ustar headers,
 * with a pax `path` record for names longer than ustar holds). Links, devices and every other kind
 * of entry are refused by the reader, as is a header whose checksum does not add up.
 */

export const BLOCK = 512;
/** ustar's 11 octal digits of size: 8 GiB; larger files carry a pax `size` record */
const MAX_OCTAL_SIZE = 0o77777777777;

export type EntryKind = 'file' | 'directory' | 'pax' | 'other';

export interface TarHeader {
  name: string;
  size: number;
  mode: number;
  /** seconds since the epoch */
  mtime: number;
  kind: EntryKind;
  /** the raw type flag, to name what an `other` entry is */
  flag: string;
}

export class TarError extends Error {}

function writeString(block: Buffer, offset: number, length: number, value: string): void {
  block.write(value, offset, length, 'utf8');
}

function writeOctal(block: Buffer, offset: number, length: number, value: number): void {
  writeString(block, offset, length - 1, Math.floor(value).toString(8).padStart(length - 1, '0'));
}

function checksum(block: Buffer): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
  return sum;
}

/** One ustar header block; `flag` '0' is a file, '5' a folder, 'x' a pax header (the writer makes no other). */
export function ustarHeader(name: string, size: number, mode: number, mtime: number, flag: string): Buffer {
  const block = Buffer.alloc(BLOCK);
  writeString(block, 0, 100, name);
  writeOctal(block, 100, 8, mode & 0o777);
  writeOctal(block, 108, 8, 0);
  writeOctal(block, 116, 8, 0);
  writeOctal(block, 124, 12, size);
  writeOctal(block, 136, 12, mtime);
  writeString(block, 156, 1, flag);
  writeString(block, 257, 6, 'ustar');
  writeString(block, 263, 2, '00');
  writeString(block, 148, 8, `${checksum(block).toString(8).padStart(6, '0')}\0 `);
  return block;
}

/** One pax record: "<length> <key>=<value>\n", the length counting itself. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const bytes = Buffer.byteLength(body);
  let length = bytes + 1;
  while (bytes + String(length).length !== length) length = bytes + String(length).length;
  return `${length}${body}`;
}

/** The header block(s) of a regular file: a pax header first when the name or size does not fit ustar. */
export function fileHeader(name: string, size: number, mode: number, mtime: number): Buffer {
  const records: string[] = [];
  if (Buffer.byteLength(name) > 100) records.push(paxRecord('path', name));
  if (size > MAX_OCTAL_SIZE) records.push(paxRecord('size', String(size)));
  const header = ustarHeader(records.length ? name.slice(0, 99).replace(/[^\x20-\x7e]/g, '_') : name, Math.min(size, MAX_OCTAL_SIZE), mode, mtime, '0');
  if (records.length === 0) return header;
  const pax = Buffer.from(records.join(''));
  return Buffer.concat([ustarHeader('PaxHeader', pax.length, 0o644, mtime, 'x'), pax, padding(pax.length), header]);
}

/** Zeros that fill an entry's data up to the next block. */
export function padding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
}

/** Two zero blocks end an archive. */
export function endOfArchive(): Buffer {
  return Buffer.alloc(2 * BLOCK);
}

function readString(block: Buffer, offset: number, length: number): string {
  const field = block.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return field.subarray(0, end < 0 ? length : end).toString('utf8');
}

function readOctal(block: Buffer, offset: number, length: number, what: string): number {
  const text = readString(block, offset, length).trim();
  if (!/^[0-7]*$/.test(text)) throw new TarError(`a tar header's ${what} is not a number`);
  return text ? parseInt(text, 8) : 0;
}

/** Parses one header block: undefined for a zero block (the end), a TarError for anything not a valid header. */
export function parseHeader(block: Buffer): TarHeader | undefined {
  if (block.every((byte) => byte === 0)) return undefined;
  if (readOctal(block, 148, 8, 'checksum') !== checksum(block)) throw new TarError('a tar header is damaged (its checksum does not match)');
  if (!readString(block, 257, 6).startsWith('ustar')) throw new TarError('not a ustar tar header');
  const flag = String.fromCharCode(block[156]!);
  const prefix = readString(block, 345, 155);
  const name = readString(block, 0, 100);
  const kind: EntryKind = flag === '0' || flag === '\0' ? 'file' : flag === '5' ? 'directory' : flag === 'x' ? 'pax' : 'other';
  return {
    name: prefix ? `${prefix}/${name}` : name,
    size: readOctal(block, 124, 12, 'size'),
    mode: readOctal(block, 100, 8, 'mode'),
    mtime: readOctal(block, 136, 12, 'mtime'),
    kind,
    flag,
  };
}

/** The records of a pax header's data (path, size, …). */
export function parsePax(data: Buffer): Record<string, string> {
  const records: Record<string, string> = {};
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    const length = Number(data.subarray(at, space).toString('ascii'));
    if (space < 0 || !Number.isInteger(length) || length <= 0 || at + length > data.length) throw new TarError('a pax header is damaged');
    const record = data.subarray(space + 1, at + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq <= 0) throw new TarError('a pax header is damaged');
    records[record.slice(0, eq)] = record.slice(eq + 1);
    at += length;
  }
  return records;
}

/** What an `other` entry is, for the refusal. */
export function kindName(flag: string): string {
  return ({ '1': 'hard link', '2': 'symbolic link', '3': 'character device', '4': 'block device', '6': 'fifo', g: 'global pax header', L: 'GNU long name', K: 'GNU long link' } as Record<string, string>)[flag] ?? `entry of type "${flag}"`;
}
