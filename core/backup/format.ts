/**
 * What a cuttle backup is: a gzipped tar (a series of gzip members, which gunzip reads as one
 * stream) whose first entry, `cuttle-backup.json`, says it is one
 * (and in which format version), then the basedir's files under `basedir/`, then `manifest.json`
 * last, with every entry's size and sha256 (written last because the hashes are taken while the
 * files stream). A restore checks each of them, so a truncated, damaged, tampered or foreign archive
 * is refused. The manifest guards against damage, not forgery: anyone can write a valid one.
 */
import path from 'node:path';

export const FORMAT = 'cuttle-backup';
export const FORMAT_VERSION = 1;
export const HEADER_ENTRY = 'cuttle-backup.json';
export const MANIFEST_ENTRY = 'manifest.json';
export const CONTENT_PREFIX = 'basedir/';
/** header and manifest are read into memory: more than this is not ours */
export const MAX_JSON_ENTRY = 256 * 1024 * 1024;

/** The parts of a basedir a backup may leave out (`--exclude`). */
export const OPTIONAL_PARTS = ['uploads', 'timelapses'] as const;
export type BackupPart = (typeof OPTIONAL_PARTS)[number];

export interface BackupHeader {
  format: typeof FORMAT;
  version: number;
  created: string;
  cuttleVersion: string;
  excluded: BackupPart[];
}

export interface ManifestEntry {
  path: string;
  size: number;
  sha256: string;
}

export interface Manifest {
  format: typeof FORMAT;
  version: number;
  entries: ManifestEntry[];
}

/** A refusal to back up or restore, with the reason for a person (the CLI prints it, the API answers it). */
export class BackupError extends Error {
  constructor(
    message: string,
    /** the HTTP status the API answers with */
    readonly status = 400,
  ) {
    super(message);
    this.name = 'BackupError';
  }
}

/**
 * The basedir-relative path of a content entry, or a BackupError: only `basedir/` plus relative
 * segments, none empty, `.` or `..`, so that no entry can land outside the basedir.
 */
export function contentPath(entry: string): string {
  if (!entry.startsWith(CONTENT_PREFIX)) throw new BackupError(`the archive holds "${entry}", which is not under ${CONTENT_PREFIX}: refused`);
  const relative = entry.slice(CONTENT_PREFIX.length);
  const segments = relative.split('/');
  if (entry.includes('\0') || path.isAbsolute(relative) || segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw new BackupError(`the archive holds "${entry}", a path that could lead outside the basedir: refused`);
  }
  return relative;
}
