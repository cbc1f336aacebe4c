/**
 * The host's embedded database: one SQLite file at `<basedir>/<folder.data>/cuttle.db` in WAL mode,
 * shared by the event log and the job history. WAL lets the event log's writer thread commit while
 * this (main-thread) connection reads; `synchronous=NORMAL` keeps a commit durable when the process
 * is killed (the OS has the WAL pages), and callers that must survive power loss ask for `durable()`.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { inject, injectable } from 'inversify';
import type { LifecycleContribution } from '../common/lifecycle.js';
import { SettingsService } from '../settings/settings-service.js';

export type SqliteDatabase = Database.Database;

/** Opens (creating when missing) a database file with the pragmas every cuttle connection uses. */
export function openDatabase(file: string): SqliteDatabase {
  mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  // only takes effect on a new file: lets retention give pages back to the file system
  db.pragma('auto_vacuum = INCREMENTAL');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  // reads page through the log at random places (a client resuming from its last seq): mapped
  // pages cost no read(2) each, and a larger page cache keeps the index's upper levels warm
  db.pragma('mmap_size = 268435456');
  db.pragma('cache_size = -16384');
  return db;
}

export interface HostDatabase {
  readonly file: string;
  readonly db: SqliteDatabase;
  /** Runs `fn` in a transaction committed with a full sync (survives power loss, not only kill -9). */
  durable<T>(fn: () => T): T;
}
export const HostDatabase = Symbol.for('cuttle.HostDatabase');

export const DATABASE_FILE = 'cuttle.db';

@injectable()
export class SqliteHostDatabase implements HostDatabase, LifecycleContribution {
  readonly lifecycleName = 'database';
  readonly file: string;
  readonly db: SqliteDatabase;

  constructor(@inject(SettingsService) settings: SettingsService) {
    this.file = path.join(settings.folder('data'), DATABASE_FILE);
    this.db = openDatabase(this.file);
  }

  durable<T>(fn: () => T): T {
    this.db.pragma('synchronous = FULL');
    try {
      return this.db.transaction(fn).immediate();
    } finally {
      this.db.pragma('synchronous = NORMAL');
    }
  }

  stop(): void {
    if (this.db.open) this.db.close();
  }
}
