/**
 * Reads a backup archive (./format.ts) into a staging folder, checking as it goes: gzip's own CRC,
 * each tar header's checksum, the header entry first (else it is not a cuttle backup), only files
 * and folders under `basedir/` with relative paths, each path once, and at the end the manifest:
 * every entry's size and sha256, in order. Any failure is a BackupError that says what is wrong;
 * the caller then throws the staging folder away, so a refused archive changes nothing.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ByteReader, EndOfStream } from './byte-reader.js';
import { gunzipMembers } from './gunzip-members.js';
import {
  BackupError,
  contentPath,
  FORMAT,
  FORMAT_VERSION,
  HEADER_ENTRY,
  MANIFEST_ENTRY,
  MAX_JSON_ENTRY,
  type BackupHeader,
  type Manifest,
  type ManifestEntry,
} from './format.js';
import { BLOCK, kindName, padding, parseHeader, parsePax, TarError } from './tar.js';
import { makeDirectorySync } from '../common/make-directory.js';

export interface Extracted {
  header: BackupHeader;
  entries: number;
}

/** Extracts `archive` into `staging` (an empty folder); a BackupError if it is not a complete, intact cuttle backup. */
export async function extractBackup(archive: string, staging: string): Promise<Extracted> {
  const name = path.basename(archive);
  const state: { header?: BackupHeader; manifest?: Manifest } = {};
  const seen: ManifestEntry[] = [];
  const refuse = (reason: string) => new BackupError(`${name} ${reason}; nothing was restored`);
  try {
    const members = (async function* () {
      yield* gunzipMembers(archive);
    })();
    await readEntries(new ByteReader(members), staging, state, seen);
  } catch (err) {
    if (err instanceof BackupError) throw refuse(`is refused: ${err.message}`);
    const code = (err as NodeJS.ErrnoException).code;
    if (!state.header && (code === 'Z_DATA_ERROR' || err instanceof TarError)) throw refuse('is not a cuttle backup (not a gzipped tar written by cuttle backup)');
    if (err instanceof EndOfStream || code === 'Z_BUF_ERROR') throw refuse('is truncated: it ends before its manifest');
    if (code === 'Z_DATA_ERROR' || err instanceof TarError) throw refuse(`is damaged: ${(err as Error).message}`);
    throw err;
  }
  if (!state.header || !state.manifest) throw refuse('is truncated: it ends before its manifest');
  return { header: state.header, entries: seen.length };
}

async function readEntries(reader: ByteReader, staging: string, state: { header?: BackupHeader; manifest?: Manifest }, seen: ManifestEntry[]): Promise<void> {
  let pax: Record<string, string> | undefined;
  const paths = new Set<string>();
  for (;;) {
    const tar = parseHeader(await reader.exactly(BLOCK));
    if (!tar) {
      if (!(await reader.drain())) throw new BackupError('it goes on after its end');
      return;
    }
    if (tar.kind === 'pax') {
      if (tar.size > MAX_JSON_ENTRY) throw new BackupError('a pax header is too large');
      pax = parsePax(await reader.exactly(tar.size));
      await reader.exactly(padding(tar.size).length);
      continue;
    }
    const entry = { name: pax?.['path'] ?? tar.name, size: pax?.['size'] !== undefined ? Number(pax['size']) : tar.size };
    pax = undefined;
    if (!Number.isSafeInteger(entry.size) || entry.size < 0) throw new BackupError(`"${entry.name}" has no valid size`);
    if (tar.kind === 'other') throw new BackupError(`"${entry.name}" is a ${kindName(tar.flag)}: a backup holds files and folders only`);
    if (state.manifest) throw new BackupError(`it goes on after its manifest ("${entry.name}")`);
    if (!state.header) {
      if (entry.name !== HEADER_ENTRY || tar.kind !== 'file') throw new BackupError(`it is not a cuttle backup: it begins with "${entry.name}", not ${HEADER_ENTRY}`);
      state.header = checkedHeader(await jsonEntry(reader, entry.name, entry.size, seen));
      continue;
    }
    if (entry.name === MANIFEST_ENTRY && tar.kind === 'file') {
      state.manifest = checkedManifest(await jsonEntry(reader, entry.name, entry.size, seen), seen);
      continue;
    }
    const relative = contentPath(tar.kind === 'directory' ? entry.name.replace(/\/$/, '') : entry.name);
    if (paths.has(relative)) throw new BackupError(`it holds "${entry.name}" twice`);
    paths.add(relative);
    const target = path.join(staging, relative);
    if (tar.kind === 'directory') {
      makeDirectorySync(target);
      await reader.exactly(entry.size + padding(entry.size).length);
      continue;
    }
    makeDirectorySync(path.dirname(target));
    const hash = createHash('sha256');
    // synchronous writes: in the backup worker they run niced with it, not on libuv's pool
    const fd = fs.openSync(target, 'wx', (tar.mode & 0o777) | 0o600);
    try {
      for await (const chunk of reader.chunks(entry.size)) {
        hash.update(chunk);
        for (let at = 0; at < chunk.length; ) at += fs.writeSync(fd, chunk, at);
      }
      fs.futimesSync(fd, tar.mtime, tar.mtime);
    } finally {
      fs.closeSync(fd);
    }
    await reader.exactly(padding(entry.size).length);
    seen.push({ path: entry.name, size: entry.size, sha256: hash.digest('hex') });
  }
}

async function jsonEntry(reader: ByteReader, name: string, size: number, seen: ManifestEntry[]): Promise<unknown> {
  if (size > MAX_JSON_ENTRY) throw new BackupError(`its ${name} is too large`);
  const data = await reader.exactly(size);
  await reader.exactly(padding(size).length);
  seen.push({ path: name, size, sha256: createHash('sha256').update(data).digest('hex') });
  try {
    return JSON.parse(data.toString('utf8')) as unknown;
  } catch {
    throw new BackupError(`its ${name} is not valid JSON`);
  }
}

function checkedHeader(value: unknown): BackupHeader {
  const header = value as Partial<BackupHeader> | null;
  if (header?.format !== FORMAT) throw new BackupError(`it is not a cuttle backup: its ${HEADER_ENTRY} does not say "${FORMAT}"`);
  if (typeof header.version !== 'number' || header.version > FORMAT_VERSION) {
    throw new BackupError(`it was written in backup format ${String(header.version)} by a newer cuttle (${String(header.cuttleVersion)}); this one reads format ${FORMAT_VERSION}`);
  }
  return header as BackupHeader;
}

/** The manifest, once it lists exactly the entries read, each with the size and sha256 they had. */
function checkedManifest(value: unknown, seen: readonly ManifestEntry[]): Manifest {
  const manifest = value as Partial<Manifest> | null;
  if (manifest?.format !== FORMAT || !Array.isArray(manifest.entries)) throw new BackupError(`its ${MANIFEST_ENTRY} is not a cuttle manifest`);
  // the manifest's own entry is the last one seen: it cannot list itself
  const content = seen.slice(0, -1);
  const listed = manifest.entries;
  for (let i = 0; i < Math.max(content.length, listed.length); i++) {
    const read = content[i];
    const expected = listed[i];
    if (!read) throw new BackupError(`"${expected?.path}" is in the manifest but not in the archive`);
    if (!expected || expected.path !== read.path) throw new BackupError(`"${read.path}" is in the archive but not in the manifest`);
    if (expected.size !== read.size) throw new BackupError(`"${read.path}" has ${read.size} bytes where the manifest says ${expected.size}: the archive was changed or damaged`);
    if (expected.sha256 !== read.sha256) throw new BackupError(`"${read.path}" does not match the manifest (its sha256 differs): the archive was changed or damaged`);
  }
  return manifest as Manifest;
}
