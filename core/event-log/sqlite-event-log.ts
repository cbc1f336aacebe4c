/**
 * The event log: a bus subscriber that turns each event into a row (off the firing call, as every
 * subscriber runs), gathers rows for `events.log.batchMs` and hands each batch to the writer thread.
 * Rows stay in memory until the writer says they are committed, so reads (the REST API, push replay)
 * see every event the log has received, written or not. kill -9 loses at most the batch being
 * gathered and the one being committed.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { inject, injectable } from 'inversify';
import type { Disposable } from '../common/disposable.js';
import type { LifecycleContribution } from '../common/lifecycle.js';
import { eventPrinter } from '../common/printer-id.js';
import type { Statement } from 'better-sqlite3';
import { HostDatabase } from '../database/database.js';
import { whereClause, type SqlValue } from '../database/where.js';
import { EventBus, type AnyFiredEvent } from '../events/event-bus.js';
import { Logger } from '../logging/logger.js';
import { SettingsService } from '../settings/settings-service.js';
import { MAX_PAGE, type EarlierQuery, type EventLog, type EventPage, type EventQuery, type LoggedEvent } from './api.js';
import { readMeta, ROW_FIELDS, type FlatRows } from './schema.js';
import { SeqReservationToken, type SeqReservation } from './seq-reservation.js';
import { eventLogSettings } from './settings.js';
import type { FromWriter, ToWriter, WriterOptions } from './writer-worker.js';

/** A batch is handed over early when this many rows are waiting. */
const EARLY_BATCH = 8192;

/** One event as stored: time in epoch ms, payload as JSON text. */
/** What narrows a page besides its seq bound. */
type EventFilter = Pick<EventQuery, 'type' | 'printer'>;

interface Row {
  seq: number;
  type: string;
  /** '' for an event of no printer (files, slicing, settings, server): answered as null */
  printer: string;
  time: number;
  payload: string;
}

@injectable()
export class SqliteEventLog implements EventLog, LifecycleContribution {
  readonly lifecycleName = 'event-log';
  private readonly logger: Logger;
  private readonly batchMs: number;
  private readonly subscription: Disposable;
  /** rows received and not yet committed, in seq order; `posted` of them are with the writer */
  private memory: Row[] = [];
  private posted = 0;
  private timer: NodeJS.Timeout | undefined;
  private worker: Worker | undefined;
  private pruned: number;
  private flushWaiters: (() => void)[] = [];
  private closed: Promise<void> | undefined;

  constructor(
    @inject(HostDatabase) private readonly database: HostDatabase,
    @inject(EventBus) private readonly bus: EventBus,
    @inject(SettingsService) private readonly settings: SettingsService,
    @inject(Logger) logger: Logger,
    @inject(SeqReservationToken) private readonly reservation: SeqReservation,
  ) {
    this.logger = logger.child({ service: 'event-log' });
    this.batchMs = Math.max(1, settings.of(eventLogSettings).get().batchMs);
    this.pruned = readMeta(database.db, 'pruned_up_to');
    this.subscription = bus.onAny((event) => this.receive(event), { owner: 'event-log' });
  }

  get prunedUpTo(): number {
    return this.pruned;
  }

  start(): void {
    const { maxAgeDays, maxMb, pruneIntervalS } = this.settings.of(eventLogSettings).get();
    const options: WriterOptions = { file: this.database.file, maxAgeDays, maxMb, pruneIntervalS };
    this.worker = new Worker(path.join(__dirname, 'writer-worker.js'), { workerData: options });
    this.worker.on('message', (message: FromWriter) => this.fromWriter(message));
    this.worker.on('error', (err) => this.logger.error({ err: err.message }, 'event log writer failed'));
    this.worker.unref();
    if (this.memory.length > 0) this.schedule();
  }

  async stop(): Promise<void> {
    this.subscription.dispose();
    const worker = this.worker;
    if (!worker) return;
    worker.ref(); // the last batch must be written even when nothing else keeps the process alive
    this.handOver();
    this.closed ??= new Promise<void>((resolve) => {
      worker.once('exit', () => resolve());
      worker.postMessage({ type: 'close' } satisfies ToWriter);
    });
    await this.closed;
    this.worker = undefined;
    this.reservation.release(this.bus.lastSeq);
  }

  read(query: EventQuery): EventPage {
    const { rows, next, gap } = this.page(query);
    return { events: rows.map(toLoggedEvent), next, gap };
  }

  /**
   * The same page as the `GET /api/events` body. SQLite writes the committed rows' JSON itself and
   * hands it over as bytes, splicing the stored payload JSON in as it is: building it in JavaScript
   * made ~1 kB of short-lived strings and objects per row, and the scavenges that garbage caused were
   * the requests' p99; as bytes the page is never a JavaScript string, neither here nor on its way
   * to the socket. Rows not yet committed are formatted here the same way (`eventJson`).
   */
  readJson(query: EventQuery): Buffer {
    const { limit, where } = this.filters(query, ['seq > ?', query.since]);
    const stored = this.statement('json', where.sql).get(...where.params, limit) as JsonPage;
    const later = this.uncommitted(query, stored.last ?? query.since, limit - stored.count);
    const next = stored.count + later.length === limit ? (later.at(-1)?.seq ?? stored.last) : null;
    const parts = [Buffer.from('{"events":['), stored.json ?? Buffer.alloc(0)];
    if (later.length > 0) parts.push(Buffer.from((stored.count > 0 ? ',' : '') + later.map(eventJson).join(',')));
    parts.push(Buffer.from(`],"next":${next === null ? 'null' : next}${query.since < this.pruned ? ',"gap":true' : ''}}`));
    return Buffer.concat(parts);
  }

  readEarlierJson(query: EarlierQuery): Buffer {
    const { limit, where } = this.filters(query, ['seq < ?', query.before]);
    const stored = (this.statement('earlier', where.sql).all(...where.params, limit) as Row[]).reverse();
    // the writer's rows not committed (or reported) yet are newer than every stored one
    const after = stored.at(-1)?.seq ?? 0;
    const waiting = this.uncommitted(query, after, Number.POSITIVE_INFINITY).filter((row) => row.seq < query.before);
    const rows = [...stored, ...waiting].slice(-limit);
    const previous = rows.length === limit ? rows[0]!.seq : null;
    return Buffer.from(`{"events":[${rows.map(eventJson).join(',')}],"previous":${previous === null ? 'null' : previous}}`);
  }

  private page(query: EventQuery): { rows: Row[]; next: number | null; gap: boolean } {
    const { limit, where } = this.filters(query, ['seq > ?', query.since]);
    const rows = this.statement('rows', where.sql).all(...where.params, limit) as Row[];
    rows.push(...this.uncommitted(query, rows.at(-1)?.seq ?? query.since, limit - rows.length));
    return { rows, next: rows.length === limit ? rows[rows.length - 1]!.seq : null, gap: query.since < this.pruned };
  }

  /** Up to `room` rows the writer has not committed yet (or not yet reported) after seq `after`: they follow the stored ones. */
  private uncommitted(query: EventFilter, after: number, room: number): Row[] {
    const rows: Row[] = [];
    for (let i = 0; i < this.memory.length && rows.length < room; i++) {
      const row = this.memory[i]!;
      if (row.seq > after && (query.type === undefined || row.type === query.type) && (query.printer === undefined || row.printer === query.printer)) rows.push(row);
    }
    return rows;
  }

  /** The page size, and the WHERE of `bound` on seq (after `since`, or before `before`) with the query's filters. */
  private filters(query: EventFilter & { limit: number }, bound: readonly [clause: string, seq: number]): { limit: number; where: { sql: string; params: SqlValue[] } } {
    return {
      limit: Math.max(1, Math.min(MAX_PAGE, Math.floor(query.limit))),
      where: whereClause([
        bound,
        ['type = ?', query.type],
        ['printer = ?', query.printer],
      ]),
    };
  }

  /** One prepared statement per form and filter shape (3 × 4), not one per request. */
  private statement(form: 'rows' | 'json' | 'earlier', where: string): Statement {
    const key = `${form} ${where}`;
    let statement = this.statements.get(key);
    if (!statement) {
      const rows = eventRowsSql(where);
      statement = this.database.db.prepare(
        form === 'rows'
          ? rows
          : form === 'earlier'
            ? eventRowsSql(where, 'DESC')
            : `SELECT count(*) AS count, max(seq) AS last, CAST(group_concat(${EVENT_JSON_SQL}, ',' ORDER BY seq) AS BLOB) AS json FROM (${rows})`,
      );
      this.statements.set(key, statement);
    }
    return statement;
  }
  private readonly statements = new Map<string, Statement>();

  flushed(): Promise<void> {
    if (this.memory.length === 0) return Promise.resolve();
    this.handOver();
    return new Promise((resolve) => this.flushWaiters.push(resolve));
  }

  private receive(event: AnyFiredEvent): void {
    this.memory.push({
      seq: event.seq,
      type: event.name,
      printer: eventPrinter(event.payload) ?? '',
      time: Date.parse(event.time),
      payload: JSON.stringify(event.payload),
    });
    if (!this.worker) return;
    if (this.memory.length - this.posted >= EARLY_BATCH) setImmediate(() => this.handOver());
    else this.schedule();
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => this.handOver(), this.batchMs);
  }

  /** Posts every row not yet with the writer as one batch. */
  private handOver(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.worker || this.posted >= this.memory.length) return;
    const rows: FlatRows = new Array((this.memory.length - this.posted) * ROW_FIELDS);
    let k = 0;
    for (let i = this.posted; i < this.memory.length; i++) {
      const row = this.memory[i]!;
      rows[k++] = row.seq;
      rows[k++] = row.type;
      rows[k++] = row.printer;
      rows[k++] = row.time;
      rows[k++] = row.payload;
    }
    this.posted = this.memory.length;
    // the process does not end with events uncommitted (the worker is unref'd once all are written)
    this.worker.ref();
    this.worker.postMessage({ type: 'rows', rows } satisfies ToWriter);
  }

  private fromWriter(message: FromWriter): void {
    switch (message.type) {
      case 'written':
        this.committed(message.upTo);
        break;
      case 'pruned':
        this.pruned = Math.max(this.pruned, message.prunedUpTo);
        this.logger.info({ deleted: message.deleted, prunedUpTo: message.prunedUpTo }, 'event log retention dropped old events');
        break;
      case 'error':
        this.logger.error({ problem: message.message }, 'event log writer error');
        if (message.upTo !== undefined) this.committed(message.upTo);
        break;
      case 'closed':
        break;
    }
  }

  /** Forgets the rows up to `upTo`: they are on disk (or lost, as logged). */
  private committed(upTo: number): void {
    let n = 0;
    while (n < this.memory.length && this.memory[n]!.seq <= upTo) n++;
    this.memory = n === this.memory.length ? [] : this.memory.slice(n);
    this.posted = Math.max(0, this.posted - n);
    if (this.memory.length === 0) {
      if (!this.closed) this.worker?.unref();
      for (const waiter of this.flushWaiters.splice(0)) waiter();
    }
  }
}

/** What the page statement answers: the committed rows of the page as JSON objects joined by commas (UTF-8). */
interface JsonPage {
  count: number;
  last: number | null;
  json: Buffer | null;
}

/**
 * One event of the page in SQL and in JavaScript: the two must give the same text (a test compares
 * them). `time` is epoch ms; strftime's %f gives the milliseconds that toISOString gives.
 */
/** One page of rows for a WHERE clause of `filters` (exported for the query-plan test). */
export function eventRowsSql(where: string, order: 'ASC' | 'DESC' = 'ASC'): string {
  return `SELECT seq, type, printer, time, payload FROM events ${where} ORDER BY seq ${order} LIMIT ?`;
}

const EVENT_JSON_SQL = `'{"seq":' || seq || ',"type":' || json_quote(type) || ',"time":"' || strftime('%Y-%m-%dT%H:%M:%fZ', time / 1000.0, 'unixepoch') || '","printer":' || json_quote(nullif(printer, '')) || ',"payload":' || payload || '}'`;

function eventJson(row: Row): string {
  return `{"seq":${row.seq},"type":${JSON.stringify(row.type)},"time":"${new Date(row.time).toISOString()}","printer":${JSON.stringify(row.printer || null)},"payload":${row.payload}}`;
}

function toLoggedEvent(row: Row): LoggedEvent {
  return { seq: row.seq, type: row.type, time: new Date(row.time).toISOString(), printer: row.printer || null, payload: JSON.parse(row.payload) as object };
}
