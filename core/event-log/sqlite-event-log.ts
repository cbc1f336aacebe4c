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
import { printerIdOf } from '../common/printer-id.js';
import type { Statement } from 'better-sqlite3';
import { HostDatabase } from '../database/database.js';
import { whereClause } from '../database/where.js';
import { EventBus, type AnyFiredEvent } from '../events/event-bus.js';
import { Logger } from '../logging/logger.js';
import { SettingsService } from '../settings/settings-service.js';
import { MAX_PAGE, type EventLog, type EventPage, type EventQuery, type LoggedEvent } from './api.js';
import { readMeta, ROW_FIELDS, type FlatRows } from './schema.js';
import { SeqReservationToken, type SeqReservation } from './seq-reservation.js';
import type { FromWriter, ToWriter, WriterOptions } from './writer-worker.js';

/** A batch is handed over early when this many rows are waiting. */
const EARLY_BATCH = 8192;

/** One event as stored: time in epoch ms, payload as JSON text. */
interface Row {
  seq: number;
  type: string;
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
    this.batchMs = Math.max(1, settings.get('events.log.batchMs'));
    this.pruned = readMeta(database.db, 'pruned_up_to');
    this.subscription = bus.onAny((event) => this.receive(event), { owner: 'event-log' });
  }

  get prunedUpTo(): number {
    return this.pruned;
  }

  start(): void {
    const options: WriterOptions = {
      file: this.database.file,
      maxAgeDays: this.settings.get('events.log.maxAgeDays'),
      maxMb: this.settings.get('events.log.maxMb'),
      pruneIntervalS: this.settings.get('events.log.pruneIntervalS'),
    };
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
   * The same page as the `GET /api/events` body, built from the stored JSON: payloads are spliced
   * in as they are, never parsed and serialised again (a page of 1 000 would be 2 000 JSON passes).
   */
  readJson(query: EventQuery): string {
    const { rows, next, gap } = this.page(query);
    const events = rows.map(
      (row) => `{"seq":${row.seq},"type":${JSON.stringify(row.type)},"time":"${new Date(row.time).toISOString()}","printer":${JSON.stringify(row.printer)},"payload":${row.payload}}`,
    );
    return `{"events":[${events.join(',')}],"next":${next === null ? 'null' : next}${gap ? ',"gap":true' : ''}}`;
  }

  private page(query: EventQuery): { rows: Row[]; next: number | null; gap: boolean } {
    const limit = Math.max(1, Math.min(MAX_PAGE, Math.floor(query.limit)));
    const where = whereClause([
      ['seq > ?', query.since],
      ['type = ?', query.type],
      ['printer = ?', query.printer],
    ]);
    const rows = this.statement(where.sql).all(...where.params, limit) as Row[];
    // rows the writer has not committed yet (or committed but not yet reported) follow
    let last = rows.length > 0 ? rows[rows.length - 1]!.seq : query.since;
    for (let i = 0; i < this.memory.length && rows.length < limit; i++) {
      const row = this.memory[i]!;
      if (row.seq <= last) continue;
      if ((query.type === undefined || row.type === query.type) && (query.printer === undefined || row.printer === query.printer)) {
        rows.push(row);
        last = row.seq;
      }
    }
    return { rows, next: rows.length === limit ? rows[rows.length - 1]!.seq : null, gap: query.since < this.pruned };
  }

  /** One prepared statement per filter shape (there are four), not one per request. */
  private statement(where: string): Statement {
    let statement = this.statements.get(where);
    if (!statement) {
      statement = this.database.db.prepare(`SELECT seq, type, printer, time, payload FROM events ${where} ORDER BY seq LIMIT ?`);
      this.statements.set(where, statement);
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
      printer: printerIdOf(event.payload),
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

function toLoggedEvent(row: Row): LoggedEvent {
  return { seq: row.seq, type: row.type, time: new Date(row.time).toISOString(), printer: row.printer, payload: JSON.parse(row.payload) as object };
}
