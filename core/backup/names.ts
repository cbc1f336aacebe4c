/** The names of backup archives: made from the time, so they sort by age; nothing else is served as one. */
import fs from 'node:fs';
import path from 'node:path';
import { BackupError, OPTIONAL_PARTS, type BackupPart } from './format.js';

const NAME = /^cuttle-backup-\d{8}-\d{6}(-\d+)?\.tar\.gz$/;

export function isBackupName(name: string): boolean {
  return NAME.test(name);
}

/** A name for a new backup in `dir` that no file has yet. */
export function newBackupName(dir: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/\.\d+Z$/, '').replace(/[-:]/g, '').replace('T', '-');
  for (let n = 1; ; n++) {
    const name = `cuttle-backup-${stamp}${n > 1 ? `-${n}` : ''}.tar.gz`;
    if (!fs.existsSync(path.join(dir, name))) return name;
  }
}

/** `uploads,timelapses` (the CLI's --exclude, the API's `exclude`) as parts; an unknown part is a BackupError. */
export function parseParts(values: readonly string[]): BackupPart[] {
  // `timelapse` as OctoPrint's backup plugin names it
  const parts = values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean)
    .map((v) => (v === 'timelapse' ? 'timelapses' : v));
  for (const part of parts) {
    if (!(OPTIONAL_PARTS as readonly string[]).includes(part)) throw new BackupError(`cannot exclude "${part}": the parts that can be left out are ${OPTIONAL_PARTS.join(', ')}`);
  }
  return [...new Set(parts)] as BackupPart[];
}
