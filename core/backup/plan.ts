/**
 * What a backup of a basedir holds, worked out from the settings: every file of the basedir (config,
 * users and keys, printers and their profiles, plugin settings and data, uploads, timelapses) except
 * what is rebuilt or belongs to this machine only (logs, the backups themselves, unrendered timelapse
 * frames, installed plugin packages, host.json), the parts the caller excludes, and the live database
 * files, whose consistent snapshot goes in instead. Plain data, so it can be posted to a worker.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DATABASE_FILE } from '../database/open.js';
import { RUNNING_HOST_FILE } from '../common/running-host.js';
import type { SettingsService } from '../settings/settings-service.js';
import type { BackupPart } from './format.js';

export interface BackupPlan {
  basedir: string;
  /** absolute paths left out, files or whole folders */
  skip: string[];
  /** a file kept elsewhere that the backup puts at `relative` (config.yaml given with --config) */
  extra: { file: string; relative: string }[];
  /** the database to snapshot, and its place in the basedir */
  database?: { file: string; relative: string };
  excluded: BackupPart[];
  /** what a person should know is missing (folders configured outside the basedir) */
  notes: string[];
  cuttleVersion: string;
}

/** Where a host keeps its backups (as OctoPrint's data/backup). */
export function backupsFolder(settings: SettingsService): string {
  return path.join(settings.folder('data'), 'backups');
}

/** Staging and set-aside folders of a restore (./restore.ts) at the top of a basedir: never backed up. */
export const RESTORE_LEFTOVER = /^\.cuttle-(restore|before-restore)-/;

function inside(basedir: string, file: string): boolean {
  const relative = path.relative(basedir, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

export function planBackup(settings: SettingsService, excluded: readonly BackupPart[], cuttleVersion: string): BackupPlan {
  const basedir = settings.basedir;
  const notes: string[] = [];
  const database = path.join(settings.folder('data'), DATABASE_FILE);
  const skip = [
    settings.folder('logs'),
    backupsFolder(settings),
    settings.folder('timelapseTmp'),
    path.join(basedir, 'node_modules'),
    path.join(basedir, RUNNING_HOST_FILE),
    ...['', '-wal', '-shm', '-journal'].map((suffix) => database + suffix),
  ];
  const parts: Record<BackupPart, string> = { uploads: settings.folder('uploads'), timelapses: settings.folder('timelapse') };
  for (const [part, folder] of Object.entries(parts) as [BackupPart, string][]) {
    if (excluded.includes(part)) skip.push(folder);
    else if (!inside(basedir, folder)) notes.push(`${part} (${folder}) are outside the basedir and not in the backup`);
  }
  const extra: BackupPlan['extra'] = [];
  const ownConfig = path.join(basedir, 'config.yaml');
  if (path.resolve(settings.configFile) !== ownConfig) {
    skip.push(ownConfig);
    if (fs.existsSync(settings.configFile)) extra.push({ file: settings.configFile, relative: 'config.yaml' });
  }
  let relativeDb = path.relative(basedir, database);
  if (!inside(basedir, database)) {
    relativeDb = path.join('data', DATABASE_FILE);
    notes.push(`the data folder (${path.dirname(database)}) is outside the basedir: its database is restored to ${relativeDb}`);
  }
  return {
    basedir,
    skip,
    extra,
    database: fs.existsSync(database) ? { file: database, relative: relativeDb } : undefined,
    excluded: [...excluded],
    notes,
    cuttleVersion,
  };
}
