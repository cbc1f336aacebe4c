/**
 * Event messages go out from the durable event log, in seq order, not from memory: the stream keeps
 * a cursor (the last seq the broker acknowledged, saved in the plugin's data folder) and reads what
 * follows it whenever the broker is there. An event fired while the broker was away, still
 * connecting, or before a restart of the host therefore arrives late, never not at all. Delivery is
 * at least once: what was sent but not acknowledged when a connection broke is sent again.
 *
 * A fresh install (no cursor yet) starts at the events of this run of the host, not at the whole log.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { EventHistory, LoggedEvent, Logger } from 'cuttle';

/** Most event messages sent and not yet acknowledged at once. */
const IN_FLIGHT = 100;
/** How long a saved cursor may lag behind the acknowledgements (it is saved at shutdown too). */
const SAVE_EVERY_MS = 1000;
/** When the log has not yet received an event the bus already delivered, look again after this. */
const LOG_LAG_RETRY_MS = 20;

export interface EventSink {
  readonly connected: boolean;
  /** Sends one event message; `acknowledged` runs once the broker has it (QoS ≥ 1) or it is written (QoS 0). */
  send(event: LoggedEvent, acknowledged: (err?: Error) => void): void;
}

export class LogEventStream {
  private acked: number;
  private sent: number;
  /** seqs sent and not acknowledged yet */
  private readonly unacked = new Set<number>();
  private scheduled = false;
  private retry: NodeJS.Timeout | undefined;
  private saveTimer: NodeJS.Timeout | undefined;
  private savedSeq: number;
  private stopped = false;

  constructor(
    private readonly history: EventHistory,
    private readonly sink: EventSink,
    private readonly cursorFile: string,
    private readonly logger: Logger,
    /** where a fresh install starts: the newest seq before this run's events */
    firstRunStart: number,
  ) {
    this.acked = readCursor(cursorFile) ?? firstRunStart;
    this.sent = this.acked;
    this.savedSeq = this.acked;
  }

  /** the last seq the broker acknowledged, every earlier one included */
  get acknowledged(): number {
    return this.acked;
  }

  /** Something may be there to send: an event was fired, the broker came (back), an ack freed room. */
  wake(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  /** The connection broke: what was not acknowledged is sent again on the next one. */
  connectionLost(): void {
    this.unacked.clear();
    this.sent = this.acked;
  }

  /** Saves the cursor and sends nothing more. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.retry);
    clearTimeout(this.saveTimer);
    this.save();
  }

  private pump(): void {
    if (this.stopped || !this.sink.connected) return;
    while (this.unacked.size < IN_FLIGHT) {
      const page = this.history.read({ since: this.sent, limit: IN_FLIGHT - this.unacked.size });
      if (page.gap) this.skipPruned();
      for (const event of page.events) this.send(event);
      if (page.events.length === 0 || page.next === null) break;
    }
    // the bus delivered an event to us that its log subscriber has not received yet
    if (this.sent < this.history.latestSeq && this.unacked.size < IN_FLIGHT && !this.retry) {
      this.retry = setTimeout(() => {
        this.retry = undefined;
        this.wake();
      }, LOG_LAG_RETRY_MS);
    }
  }

  private send(event: LoggedEvent): void {
    this.sent = event.seq;
    this.unacked.add(event.seq);
    this.sink.send(event, (err) => {
      // a message that failed is sent again after the reconnect (connectionLost rewinds)
      if (err || !this.unacked.delete(event.seq)) return;
      this.advance();
      this.wake();
    });
  }

  /** The cursor moves to just before the oldest message still unacknowledged. */
  private advance(): void {
    let oldest = this.sent + 1;
    for (const seq of this.unacked) if (seq < oldest) oldest = seq;
    if (oldest - 1 <= this.acked) return;
    this.acked = oldest - 1;
    this.saveTimer ??= setTimeout(() => {
      this.saveTimer = undefined;
      this.save();
    }, SAVE_EVERY_MS);
  }

  private skipPruned(): void {
    this.logger.warn({ from: this.sent }, 'events after the last one the broker acknowledged were dropped by the event log\'s retention: going on from the oldest kept');
  }

  private save(): void {
    if (this.acked === this.savedSeq) return;
    try {
      const temporary = `${this.cursorFile}.tmp`;
      writeFileSync(temporary, JSON.stringify({ acknowledged: this.acked }));
      renameSync(temporary, this.cursorFile);
      this.savedSeq = this.acked;
    } catch (err) {
      this.logger.warn({ file: this.cursorFile, err: (err as Error).message }, 'could not save the MQTT event cursor');
    }
  }
}

function readCursor(file: string): number | undefined {
  try {
    const seq = (JSON.parse(readFileSync(file, 'utf8')) as { acknowledged?: unknown }).acknowledged;
    return typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 0 ? seq : undefined;
  } catch {
    return undefined;
  }
}

/** The cursor file inside a plugin's data folder, one per broker and host id (a host may change brokers). */
export function cursorFileIn(folder: string, url: string, hostId: string): string {
  // without user and password: a file name is no place for a secret
  const name = `${hostId}@${url.replace(/\/\/[^@/]*@/, '//')}`.replace(/[^A-Za-z0-9._@-]/g, '_').slice(0, 120);
  return path.join(folder, `cursor-${name}.json`);
}
