/**
 * One printer's side of the push channel (the hub keeps one per printer): collects log lines, printer
 * messages and temperature points between `current` ticks, and builds `current` (one message per
 * tick, shared by every client that keeps up; a coalesced one covering several ticks for throttled or
 * slow clients) and `history`. Each comes in two forms: as OctoPrint sends it (printer views) and
 * `keyed` with `printer: <id>` and the printer's `name` as it is now added (the farm view: a rename
 * shows in the next tick, without a reload).
 * A tick is taken (`capture`) and shown (`publish`) in two steps: the hub publishes it only once the
 * events of the changes its snapshot shows have been dispatched, so an event precedes the `current`
 * that shows its change (hub.ts, `tick`).
 */
import { DisposableStore, type Disposable } from '../common/disposable.js';
import type { FileManager } from '../files/file-manager.js';
import type { JobFile, PrinterService } from '../printer/printer-service.js';
import { jobDetailsOf } from '../printer/octoprint-views.js';
import { OFFLINE_SNAPSHOT, pushPrinterState, tempPoint, type JobDetails, type PushPrinterState, type TempPoint } from './printer-state.js';
import { LogRing } from './log-ring.js';
import { PushMessage } from './message.js';

interface Tick {
  id: number;
  /** anything to show since the tick before: a state that differs, log lines, messages or temperatures */
  changed: boolean;
  state: PushPrinterState;
  /** its log lines and messages: numbers [from, to) in the feed's rings */
  logs: LineRange;
  messages: LineRange;
  temps: TempPoint[];
}

interface LineRange {
  from: number;
  to: number;
}

const NO_LINES: LineRange = { from: 0, to: 0 };
/** Lines a ring holds, per `logLines`: the newest shown plus those logged since (ticks not yet shown). */
const RING_LINES_PER_LOG_LINE = 4;
/** bytes a ring keeps per line it holds (a G-code line with its number and checksum is some 40) */
const RING_BYTES_PER_LINE = 64;

/** Ticks kept for coalescing; a client further behind gets the newest ones only (state is always current). */
const KEPT_TICKS = 64;
/** Ticks between re-reads of the job file's metadata while its analysis is missing (it may still be running). */
const DETAILS_RETRY_TICKS = 10;

/** A bounded list that keeps the newest `limit` items. */
function pushBounded<T>(list: T[], item: T, limit: number): void {
  list.push(item);
  if (list.length > limit * 2) list.splice(0, list.length - limit);
}

function newest<T>(list: T[], limit: number): T[] {
  return list.length > limit ? list.slice(list.length - limit) : list;
}

/** Which of the shared `current` forms: logs, messages, the `printer` key. */
function variant(withLogs: boolean, withMessages: boolean, keyed: boolean): number {
  return (withLogs ? 1 : 0) | (withMessages ? 2 : 0) | (keyed ? 4 : 0);
}

export class StateFeed implements Disposable {
  private readonly subscriptions = new DisposableStore();
  /** published ticks, oldest first */
  private readonly ticks: Tick[] = [];
  /** captured ticks the hub has not published yet */
  private captured: Tick[] = [];
  /** every log line (">>> " sent, "<<< " received) and every message (a received line), as bytes (log-ring.ts) */
  private readonly logs: LogRing;
  private readonly messages: LogRing;
  /** where the lines of the next captured tick start */
  private capturedLogs = 0;
  private capturedMessages = 0;
  private pendingTemps: TempPoint[] = [];
  /** `current` of the latest tick alone (what every client that keeps up gets), per variant */
  private readonly steady: (PushMessage | undefined)[] = new Array(8);
  /** coalesced `current` messages of this tick, by range and variant */
  private readonly currentCache = new Map<string, PushMessage>();
  private lastId = 0;
  /** the last captured state, encoded: a tick that shows the same and nothing new has not changed */
  private lastEncodedState = '';
  /** the job file's metadata, read asynchronously when the job changes (ticks are synchronous) */
  private details: { key: string; value: JobDetails | undefined; readAt: number } | undefined;

  constructor(
    /** the printer's id ('' for the stand-in of a host without printers) */
    readonly id: string,
    private readonly printer: PrinterService | undefined,
    private readonly logLines: number,
    private readonly files?: FileManager,
    /** the printer's name now (its config entry's, which a PATCH may change) */
    private readonly name: () => string = () => id,
  ) {
    const held = logLines * RING_LINES_PER_LOG_LINE;
    this.logs = new LogRing(held, held * RING_BYTES_PER_LINE);
    this.messages = new LogRing(held, held * RING_BYTES_PER_LINE);
    if (!printer) return;
    this.subscriptions.add(
      printer.onLog(({ direction, line }) => {
        if (direction === 'send') this.logs.push('>>> ', line);
        else {
          this.logs.push('<<< ', line);
          this.messages.push('', line);
        }
      }),
    );
    this.subscriptions.add(printer.onTemperature((sample) => pushBounded(this.pendingTemps, tempPoint(sample), logLines)));
  }

  get latestTick(): number {
    return this.lastId;
  }

  state(): PushPrinterState {
    const snapshot = this.printer?.snapshot() ?? OFFLINE_SNAPSHOT;
    return pushPrinterState(snapshot, this.jobDetails(snapshot.job));
  }

  private jobDetails(job: JobFile | null): JobDetails | undefined {
    if (!job || !this.files) return undefined;
    const key = `${job.origin}:${job.path}`;
    const known = this.details?.key === key ? this.details : undefined;
    const stale = !known || (known.value?.estimatedPrintTime == null && this.lastId - known.readAt >= DETAILS_RETRY_TICKS);
    if (stale && !(known && known.readAt === -1)) {
      const entry = { key, value: known?.value, readAt: -1 };
      this.details = entry;
      this.files
        .forPrinter(this.printer) // an SD job's file is on this printer's card
        .jobDetailsFile(job.origin, job.path)
        .then((file) => {
          entry.value = jobDetailsOf(file, file?.user ?? null);
        })
        .catch(() => undefined)
        .finally(() => (entry.readAt = this.lastId));
    }
    return this.details?.key === key ? this.details.value : undefined;
  }

  /** Closes tick `id` (the hub's tick number): a snapshot and everything logged since the previous one, shown once published. */
  capture(id: number): void {
    const state = this.state();
    // serverTime moves every tick: it alone is not a change
    const encoded = JSON.stringify({ ...state, serverTime: 0 });
    const logs = { from: this.capturedLogs, to: this.logs.end };
    const messages = { from: this.capturedMessages, to: this.messages.end };
    const changed = encoded !== this.lastEncodedState || logs.to > logs.from || messages.to > messages.from || this.pendingTemps.length > 0;
    this.lastEncodedState = encoded;
    const tick: Tick = { id, changed, state, logs, messages, temps: newest(this.pendingTemps, this.logLines) };
    this.capturedLogs = logs.to;
    this.capturedMessages = messages.to;
    this.pendingTemps = [];
    this.captured.push(tick);
  }

  /** Shows the ticks captured up to `id` in `current` (a feed added after tick `id` was captured has none). */
  publish(id: number): void {
    const due = this.captured.filter((t) => t.id <= id);
    if (due.length === 0) return;
    this.captured = this.captured.filter((t) => t.id > id);
    for (const tick of due) this.ticks.push(tick);
    if (this.ticks.length > KEPT_TICKS) this.ticks.splice(0, this.ticks.length - KEPT_TICKS);
    this.lastId = due[due.length - 1]!.id;
    this.currentCache.clear();
    this.steady.fill(undefined);
  }

  /**
   * `current` covering the ticks after `afterTick` up to the latest: built once per distinct range
   * and variant, then shared (`keyed` adds `printer: <id>` and `name`).
   */
  current(afterTick: number, withLogs = true, withMessages = true, keyed = false): PushMessage {
    const form = variant(withLogs, withMessages, keyed);
    const steady = afterTick === this.lastId - 1;
    let message = steady ? this.steady[form] : this.currentCache.get(`${afterTick}:${form}`);
    if (!message) {
      const covered = this.ticks.filter((t) => t.id > afterTick);
      // past the kept ticks: the last published state (never one whose events may not be out yet)
      const first = covered[0];
      const latest = covered[covered.length - 1] ?? { state: this.ticks[this.ticks.length - 1]?.state ?? this.state(), logs: NO_LINES, messages: NO_LINES, temps: [] };
      message = new PushMessage('current', {
        ...latest.state,
        temps: covered.flatMap((t) => t.temps),
        // the newest `logLines` of the ticks covered: their lines are one run of numbers
        logs: withLogs && first ? this.shown(this.logs, first.logs.from, latest.logs.to) : [],
        messages: withMessages && first ? this.shown(this.messages, first.messages.from, latest.messages.to) : [],
        ...(keyed ? { printer: this.id, name: this.name() } : {}),
      });
      if (steady) this.steady[form] = message;
      else this.currentCache.set(`${afterTick}:${form}`, message);
    }
    return message;
  }

  private shown(ring: LogRing, from: number, to: number): string[] {
    return ring.slice(Math.max(from, to - this.logLines), to);
  }

  /** Whether the published ticks after `afterTick` show anything new (true when they are no longer all kept). */
  changedSince(afterTick: number): boolean {
    if (afterTick >= this.lastId) return false;
    const oldest = this.ticks[0];
    if (!oldest || oldest.id > afterTick + 1) return true;
    return this.ticks.some((t) => t.id > afterTick && t.changed);
  }

  /** `history` data: the state now, the temperature history, the last log lines and messages (`keyed`: with `printer`). */
  history(keyed = false): PushPrinterState & { temps: TempPoint[]; logs: string[]; messages: string[]; printer?: string; name?: string } {
    return {
      ...this.state(),
      temps: (this.printer?.temperatureHistory() ?? []).map(tempPoint),
      logs: this.logs.newest(this.logLines),
      messages: this.messages.newest(this.logLines),
      ...(keyed ? { printer: this.id, name: this.name() } : {}),
    };
  }

  dispose(): void {
    this.subscriptions.dispose();
  }
}
