/**
 * Retention of the event log: events older than `maxAgeDays` go, then the oldest go until the
 * database file's used pages fit `maxMb`. Events are appended in seq and time order, so what goes is
 * always a prefix by seq; `meta.pruned_up_to` records its end, which is where `gap` starts for a
 * reader asking from before it. Runs in the writer thread.
 */
import type { SqliteDatabase } from '../database/database.js';
import { readMeta, writeMeta } from './schema.js';

export interface RetentionLimits {
  maxAgeDays: number;
  maxMb: number;
}

const CHUNK = 5000;

export function usedBytes(db: SqliteDatabase): number {
  const pages = db.pragma('page_count', { simple: true }) as number;
  const free = db.pragma('freelist_count', { simple: true }) as number;
  return (pages - free) * (db.pragma('page_size', { simple: true }) as number);
}

/** Deletes what the limits exclude; returns how many events went and the new `pruned_up_to`. */
export function prune(db: SqliteDatabase, limits: RetentionLimits, now = Date.now()): { deleted: number; prunedUpTo: number } {
  let prunedUpTo = readMeta(db, 'pruned_up_to');
  let deleted = 0;
  const deleteUpTo = (seq: number) => {
    deleted += db.prepare('DELETE FROM events WHERE seq <= ?').run(seq).changes;
    prunedUpTo = Math.max(prunedUpTo, seq);
  };
  if (limits.maxAgeDays > 0) {
    const cutoff = now - limits.maxAgeDays * 86_400_000;
    const oldest = db.prepare('SELECT seq, time FROM events WHERE seq > ? ORDER BY seq LIMIT ?');
    for (;;) {
      const rows = oldest.all(prunedUpTo, CHUNK) as { seq: number; time: number }[];
      let end = -1;
      while (end + 1 < rows.length && rows[end + 1]!.time < cutoff) end++;
      if (end < 0) break;
      deleteUpTo(rows[end]!.seq);
      if (end < rows.length - 1) break;
    }
  }
  if (limits.maxMb > 0) {
    const limit = limits.maxMb * 1024 * 1024;
    while (usedBytes(db) > limit) {
      const range = db.prepare('SELECT min(seq) AS lo, max(seq) AS hi FROM events').get() as { lo: number | null; hi: number | null };
      if (range.lo === null || range.hi === null) break;
      // a twentieth of what is kept at a time: few passes, and never much more than needed
      deleteUpTo(range.lo + Math.max(0, Math.floor((range.hi - range.lo) / 20)));
    }
  }
  if (deleted > 0) {
    writeMeta(db, 'pruned_up_to', prunedUpTo);
    db.pragma('incremental_vacuum');
  }
  return { deleted, prunedUpTo };
}
