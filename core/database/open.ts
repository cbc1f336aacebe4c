/**
 * Opening a cuttle database file, with nothing else: the event log's writer thread opens its own
 * connection through this, and a thread that imported the host's services (Inversify, settings) to
 * do so would load them for nothing at every start.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

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
