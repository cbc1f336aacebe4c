/**
 * The backup contract of a running host: archives of its basedir (./format.ts) kept in
 * `<data>/backups/`, made, listed, downloaded and deleted through `/api/backup` (admins only: an
 * archive holds every key), and restored: checked while the host runs, then applied by a restart
 * (./pending-restore.ts). `cuttle backup restore` restores onto a basedir no host serves. Each step
 * is signalled; the backup-events plugin fires them as OctoPrint's backup plugin names them.
 */
import type { Event } from '../common/event.js';
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

/** Where a restore comes from: a listed backup, or an archive uploaded to a temporary file (removed afterwards). */
export type RestoreSource = { backup: string } | { upload: string; filename: string };

/** A restore checked and made pending: the host restarts to apply it. */
export interface PendingRestore {
  /** the backup's name, or the uploaded file's */
  name: string;
  /** when and by which cuttle the archive was written */
  created: string;
  cuttleVersion: string;
  entries: number;
}

export interface BackupService {
  /** the backups, newest first */
  list(): Promise<BackupInfo[]>;
  /** Writes a new backup without holding up the host (one at a time: a second one meanwhile is a BackupError 409). */
  create(exclude: readonly BackupPart[]): Promise<CreatedBackup>;
  /**
   * Starts a backup as create() does but answers its name at once, with `done` settling when it is
   * written (OctoPrint's backup plugin answers before the archive is written and reports by push).
   * Throws the BackupError (409, 503) at once when it cannot start.
   */
  begin(exclude: readonly BackupPart[]): { name: string; done: Promise<CreatedBackup> };
  /** what runs now: a backup being written, a restore being checked, or nothing */
  readonly activity: 'backup' | 'restore' | undefined;
  /** the archive's file, or a BackupError 404 */
  archive(name: string): Promise<string>;
  remove(name: string): Promise<void>;
  /**
   * Extracts and checks an archive off the main thread into a pending restore, then asks the host to
   * restart, which applies it: once `answered` settles (a route passes the end of its response, which
   * the stopping host would cut off), else at once. A refused archive (BackupError 400) changes
   * nothing; one restore or backup at a time (409).
   */
  restore(source: RestoreSource, answered?: Promise<unknown>): Promise<PendingRestore>;
  /** A new temporary file in the backups folder for an archive being uploaded to restore (swept at the next start if left). */
  uploadFile(): string;
  /** A backup was written: its name, file and what it leaves out. */
  readonly onDidCreate: Event<{ name: string; path: string; excludes: BackupPart[] }>;
  readonly onDidRemove: Event<{ name: string }>;
  /** A backup began to be written, was written, or failed (nothing kept). */
  readonly onBackup: Event<{ name: string; state: 'started' | 'done' | 'failed'; error?: string }>;
  /** How far the backup being written got: the share (0 to 1) of its files' bytes in the archive, at each whole percent. */
  readonly onBackupProgress: Event<{ name: string; progress: number }>;
  /** A restore began to check its archive, failed (nothing changed), or is pending and the host restarts to apply it. */
  readonly onRestore: Event<{ name: string; state: 'started' | 'failed' | 'pending'; error?: string }>;
}
export const BackupService = Symbol.for('cuttle.BackupService');
