/** `GET /api/events?printer=` reads by an index: on a farm's log, one printer's page must not scan every event after `since`. */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../core/database/database.js';
import { whereClause } from '../../core/database/where.js';
import { createEventLogSchema } from '../../core/event-log/schema.js';
import { eventRowsSql } from '../../core/event-log/sqlite-event-log.js';

describe('event log query plans', () => {
  it('?printer=, ?type= and both together search an index instead of scanning the events, forwards and backwards', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cuttle-plan-'));
    const db = openDatabase(path.join(dir, 'cuttle.db'));
    try {
      createEventLogSchema(db);
      // enough rows of several printers and types that the planner has something to weigh
      const insert = db.prepare('INSERT INTO events (seq, type, printer, time, payload) VALUES (?, ?, ?, ?, ?)');
      db.transaction(() => {
        for (let seq = 1; seq <= 5000; seq++) insert.run(seq, seq % 7 === 0 ? 'PrintDone' : 'ZChange', `p${seq % 16}`, seq, '{}');
      })();
      db.exec('ANALYZE');
      const plan = (filters: Parameters<typeof whereClause>[0], order: 'ASC' | 'DESC' = 'ASC') => {
        const where = whereClause(filters);
        const rows = db.prepare(`EXPLAIN QUERY PLAN ${eventRowsSql(where.sql, order)}`).all(...where.params, 100) as { detail: string }[];
        return rows.map((r) => r.detail).join('; ');
      };
      expect(plan([['seq > ?', 0], ['printer = ?', 'p3']])).to.match(/SEARCH events USING INDEX events_by_printer \(printer=\? AND seq>\?\)/);
      expect(plan([['seq > ?', 0], ['type = ?', 'PrintDone']])).to.match(/SEARCH events USING INDEX events_by_type \(type=\? AND seq>\?\)/);
      expect(plan([['seq > ?', 0], ['type = ?', 'PrintDone'], ['printer = ?', 'p3']])).to.match(/SEARCH events USING INDEX events_by_(type|printer)/);
      // backwards from a seq (the newest first): the same indexes, read in reverse, and no sort of its own
      expect(plan([['seq < ?', 5000]], 'DESC')).to.match(/^SEARCH events USING INTEGER PRIMARY KEY \(rowid<\?\)$/);
      expect(plan([['seq < ?', 5000], ['printer = ?', 'p3']], 'DESC')).to.match(/^SEARCH events USING INDEX events_by_printer \(printer=\? AND seq<\?\)$/);
      expect(plan([['seq < ?', 5000], ['type = ?', 'PrintDone']], 'DESC')).to.match(/^SEARCH events USING INDEX events_by_type \(type=\? AND seq<\?\)$/);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
