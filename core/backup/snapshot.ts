/**
 * A consistent copy of the host's SQLite database while the host runs and writes, by `VACUUM INTO`.
 * It reads inside one transaction, so the copy is the database as of one instant; in WAL mode that
 * read blocks no writer (the event log's thread keeps committing to the WAL meanwhile). The online
 * backup API (better-sqlite3's `db.backup()`) was the other choice, but it restarts its copy from
 * the first page whenever another connection writes, and the event log writes all the time, so under
 * load it might never finish. VACUUM INTO also leaves out free pages, so the copy is compact.
 * It is one blocking statement: run it off the main thread (the host does, in a worker).
 */
import fs from 'node:fs';
import Database from 'better-sqlite3';

export async function snapshotDatabase(source: string, target: string): Promise<void> {
  await fs.promises.rm(target, { force: true });
  const db = new Database(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 10000');
    // the target is a bound parameter, never SQL text
    db.prepare('VACUUM INTO ?').run(target);
  } finally {
    db.close();
  }
}
