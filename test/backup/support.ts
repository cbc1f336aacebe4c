/** Helpers of the backup tests: hand-made archives (hostile ones included) and a fingerprint of a folder tree. */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { FORMAT, FORMAT_VERSION, HEADER_ENTRY, MANIFEST_ENTRY } from '../../core/backup/format.js';
import { endOfArchive, padding, ustarHeader } from '../../core/backup/tar.js';

export interface CraftedEntry {
  name: string;
  data?: Buffer | string;
  /** tar type flag: '0' file (default), '2' symbolic link, '5' folder … */
  flag?: string;
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/**
 * A gzipped tar as cuttle writes one: the header entry, `entries`, and a manifest that lists them
 * with their true hashes (so that only what the entries themselves are can make a restore refuse).
 */
export function craftArchive(entries: CraftedEntry[], options: { header?: boolean } = {}): Buffer {
  const all: CraftedEntry[] = [
    ...(options.header === false ? [] : [{ name: HEADER_ENTRY, data: JSON.stringify({ format: FORMAT, version: FORMAT_VERSION, created: new Date().toISOString(), cuttleVersion: 'test', excluded: [] }) }]),
    ...entries,
  ];
  const manifest = all.map((e) => {
    const data = Buffer.from(e.data ?? '');
    return { path: e.name, size: data.length, sha256: sha256(data) };
  });
  all.push({ name: MANIFEST_ENTRY, data: JSON.stringify({ format: FORMAT, version: FORMAT_VERSION, entries: manifest }) });
  const parts: Buffer[] = [];
  for (const e of all) {
    const data = Buffer.from(e.data ?? '');
    parts.push(ustarHeader(e.name, data.length, 0o644, 0, e.flag ?? '0'), data, padding(data.length));
  }
  parts.push(endOfArchive());
  return gzipSync(Buffer.concat(parts));
}

/** Every path under `dir` with its kind and (for files) sha256: equal fingerprints, unchanged trees. */
export function fingerprint(dir: string): string[] | 'missing' {
  if (!fs.existsSync(dir)) return 'missing';
  const out: string[] = [];
  const walk = (at: string) => {
    for (const name of fs.readdirSync(at).sort()) {
      const file = path.join(at, name);
      const stat = fs.lstatSync(file);
      const relative = path.relative(dir, file);
      if (stat.isDirectory()) {
        out.push(`${relative}/`);
        walk(file);
      } else out.push(`${relative} ${stat.isFile() ? sha256(fs.readFileSync(file)) : 'special'}`);
    }
  };
  walk(dir);
  return out;
}
