/**
 * The event log's tables: `events` (seq is the primary key, so paging by seq is a range scan),
 * an index by type for `?type=` and one by printer for `?printer=` (a farm's page of one printer's
 * events would otherwise scan every event after `since`), and `meta` for the seq reservation and how far retention pruned.
 * Used by the main thread (reads) and the writer thread (appends, retention).
 */
import type { SqliteDatabase } from '../database/database.js';

export function createEventLogSchema(db: SqliteDatabase): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS events (
      seq INTEGER PRIMARY KEY,
      type TEXT NOT NULL,
      printer TEXT NOT NULL,
      time INTEGER NOT NULL,
      payload TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS events_by_type ON events (type, seq);
    CREATE INDEX IF NOT EXISTS events_by_printer ON events (printer, seq);
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
  `);
}

export type MetaKey = 'seq_reserved' | 'pruned_up_to';

export function readMeta(db: SqliteDatabase, key: MetaKey): number {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: number } | undefined;
  return row?.value ?? 0;
}

export function writeMeta(db: SqliteDatabase, key: MetaKey, value: number): void {
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
}

/** Columns of one row as the main thread hands them to the writer, flattened five by five. */
export const ROW_FIELDS = 5;
export type FlatRows = (number | string)[];
