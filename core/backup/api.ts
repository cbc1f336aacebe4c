/**
 * The backup contract of a running host: archives of its basedir (./format.ts) kept in
 * `<data>/backups/`, made, listed, downloaded and deleted through `/api/backup` (admins only: an
 * archive holds every key). Restoring is `cuttle backup restore`, onto a basedir no host serves.
 */
import type { BackupPart } from './format.js';

export interface BackupInfo {
  name: string;
  bytes: number;
  /** ISO-8601 time the archive was written */
  date: string;
}

export interface CreatedBackup extends BackupInfo {
  /** files left out (links, special files) */
  skipped: string[];
  /** what is not in it and why (folders configured outside the basedir) */
  notes: string[];
}

export interface BackupService {
  /** the backups, newest first */
  list(): Promise<BackupInfo[]>;
  /** Writes a new backup without holding up the host (one at a time: a second one meanwhile is a BackupError 409). */
  create(exclude: readonly BackupPart[]): Promise<CreatedBackup>;
  /** the archive's file, or a BackupError 404 */
  archive(name: string): Promise<string>;
  remove(name: string): Promise<void>;
}
export const BackupService = Symbol.for('cuttle.BackupService');
