/** The job history table: times in epoch ms, `updated` is the last sign of life of a running job. */
import type { SqliteDatabase } from '../database/database.js';

export function createHistorySchema(db: SqliteDatabase): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS jobs (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      printer TEXT NOT NULL,
      name TEXT NOT NULL,
      path TEXT NOT NULL,
      origin TEXT NOT NULL,
      user TEXT,
      started INTEGER NOT NULL,
      updated INTEGER NOT NULL,
      ended INTEGER,
      result TEXT NOT NULL,
      completion REAL,
      print_time REAL,
      estimated_filament REAL,
      filament REAL
    );
    CREATE INDEX IF NOT EXISTS jobs_by_started ON jobs (started);
    CREATE INDEX IF NOT EXISTS jobs_by_result ON jobs (result);
  `);
}
