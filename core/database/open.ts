/**
 * Opening a cuttle database file, with nothing else: the event log's writer thread and the backup
 * thread reach the database through this. A thread must not import the host's services: they load
 * Inversify, an ES module, and Node 20's require() of an ES module can abort the whole process
 * (FATAL ERROR: v8::Module::IsGraphAsync) when it races with the thread's own module loading.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { makeDirectorySync } from '../common/make-directory.js';

export type SqliteDatabase = Database.Database;

/** the database's file name in `<basedir>/<folder.data>/` */
export const DATABASE_FILE = 'cuttle.db';

/** Opens (creating when missing) a database file with the pragmas every cuttle connection uses. */
export function openDatabase(file: string): SqliteDatabase {
  makeDirectorySync(path.dirname(file));
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
