/**
 * `cuttle backup restore`: a backup onto a basedir, giving the same host (config, users and keys,
 * printers, history and events, whose seq goes on past every seq the backed-up host had reserved:
 * the reservation is in the database). The archive is extracted and fully checked in a staging
 * folder inside the basedir first; only then is anything moved into place, so a refused archive
 * leaves the basedir as it was. A basedir that holds anything is refused unless forced; forced, its
 * old contents are set aside in `.cuttle-before-restore-<time>/` rather than deleted.
 */
import fs from 'node:fs';
import path from 'node:path';
import { findRunningHost } from '../common/running-host.js';
import { extractBackup } from './archive-reader.js';
import { BackupError, type BackupHeader } from './format.js';
import { makeDirectory } from '../common/make-directory.js';

export interface RestoreResult {
  basedir: string;
  header: BackupHeader;
  entries: number;
  /** where a forced restore put what the basedir held */
  setAside?: string;
}

export async function restoreBackup(archive: string, target: string, options: { force?: boolean } = {}): Promise<RestoreResult> {
  const basedir = path.resolve(target);
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(archive);
  } catch {
    throw new BackupError(`there is no backup at ${archive}`, 404);
  }
  if (!stat.isFile()) throw new BackupError(`${archive} is not a file`);
  const running = findRunningHost(basedir);
  if (running) throw new BackupError(`cuttle pid ${running.pid} is serving ${basedir}: stop it before restoring onto it`, 409);
  const existing = await fs.promises.readdir(basedir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  if (existing.length > 0 && !options.force) {
    throw new BackupError(`${basedir} is not empty: restore onto a new basedir, or force it (its contents are then set aside in ${basedir}/.cuttle-before-restore-<time>/)`, 409);
  }
  const created = await makeDirectory(basedir);
  const staging = await fs.promises.mkdtemp(path.join(basedir, '.cuttle-restore-'));
  let extracted;
  try {
    extracted = await extractBackup(archive, staging);
  } catch (err) {
    await fs.promises.rm(created ?? staging, { recursive: true, force: true });
    throw err;
  }
  const setAside = await moveIntoPlace(staging, basedir, existing);
  return { basedir, header: extracted.header, entries: extracted.entries, setAside };
}

/**
 * Sets `existing` (names in the basedir) aside in `.cuttle-before-restore-<time>/`, when there are
 * any, and moves what `staging` holds into the basedir, then removes `staging`. Renames within one
 * folder: nothing is copied. Answers the set-aside folder.
 */
export async function moveIntoPlace(staging: string, basedir: string, existing: readonly string[]): Promise<string | undefined> {
  let setAside: string | undefined;
  if (existing.length > 0) {
    setAside = path.join(basedir, `.cuttle-before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    await fs.promises.mkdir(setAside);
    for (const name of existing) await fs.promises.rename(path.join(basedir, name), path.join(setAside, name));
  }
  for (const name of await fs.promises.readdir(staging)) await fs.promises.rename(path.join(staging, name), path.join(basedir, name));
  await fs.promises.rm(staging, { recursive: true, force: true });
  return setAside;
}
