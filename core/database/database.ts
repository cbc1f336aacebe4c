/**
 * The host's embedded database: one SQLite file at `<basedir>/<folder.data>/cuttle.db` in WAL mode,
 * shared by the event log and the job history. WAL lets the event log's writer thread commit while
 * this (main-thread) connection reads; `synchronous=NORMAL` keeps a commit durable when the process
 * is killed (the OS has the WAL pages), and callers that must survive power loss ask for `durable()`.
 */
import path from 'node:path';
import { inject, injectable } from 'inversify';
import type { LifecycleContribution } from '../common/lifecycle.js';
import { SettingsService } from '../settings/settings-service.js';
import { DATABASE_FILE, openDatabase, type SqliteDatabase } from './open.js';

export { DATABASE_FILE, openDatabase, type SqliteDatabase } from './open.js';

export interface HostDatabase {
  readonly file: string;
  readonly db: SqliteDatabase;
  /** Runs `fn` in a transaction committed with a full sync (survives power loss, not only kill -9). */
  durable<T>(fn: () => T): T;
}
export const HostDatabase = Symbol.for('cuttle.HostDatabase');

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
