/**
 * The event log's writer thread: commits each batch the main thread posts in one transaction and
 * runs retention, so neither SQLite's inserts nor its deletes ever block the event loop that
 * dispatches the bus. Answers `written` (up to which seq is on disk) after each commit.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../database/open.js';
import { prune, type RetentionLimits } from './retention.js';
import { ROW_FIELDS, type FlatRows } from './schema.js';

export interface WriterOptions extends RetentionLimits {
  file: string;
  pruneIntervalS: number;
}

export type ToWriter = { type: 'rows'; rows: FlatRows } | { type: 'prune' } | { type: 'close' };
export type FromWriter =
  | { type: 'written'; upTo: number }
  | { type: 'pruned'; deleted: number; prunedUpTo: number }
  /** `upTo` set when a batch could not be written: those events are lost */
  | { type: 'error'; message: string; upTo?: number }
  | { type: 'closed' };

const options = workerData as WriterOptions;
const port = parentPort!;
const db = openDatabase(options.file);
const insert = db.prepare('INSERT OR IGNORE INTO events (seq, type, printer, time, payload) VALUES (?, ?, ?, ?, ?)');
const insertAll = db.transaction((rows: FlatRows) => {
  for (let i = 0; i < rows.length; i += ROW_FIELDS) insert.run(rows[i], rows[i + 1], rows[i + 2], rows[i + 3], rows[i + 4]);
});

const send = (message: FromWriter) => port.postMessage(message);

function runRetention(): void {
  try {
    const { deleted, prunedUpTo } = prune(db, options);
    if (deleted > 0) send({ type: 'pruned', deleted, prunedUpTo });
  } catch (err) {
    send({ type: 'error', message: `retention: ${(err as Error).message}` });
  }
}

const timer = options.pruneIntervalS > 0 ? setInterval(runRetention, options.pruneIntervalS * 1000) : undefined;

port.on('message', (message: ToWriter) => {
  if (message.type === 'rows') {
    const upTo = message.rows[message.rows.length - ROW_FIELDS] as number;
    try {
      insertAll(message.rows);
      send({ type: 'written', upTo });
    } catch (err) {
      send({ type: 'error', message: `append: ${(err as Error).message}`, upTo });
    }
  } else if (message.type === 'prune') {
    runRetention();
  } else {
    if (timer) clearInterval(timer);
    db.close();
    send({ type: 'closed' });
    port.close();
  }
});
runRetention();
