/**
 * The printer side of the push channel: collects log lines, printer messages and temperature points
 * between `current` ticks, and builds `current` (one message per tick, shared by every client that
 * keeps up; a coalesced one covering several ticks for throttled or slow clients) and `history`.
 */
import { DisposableStore, type Disposable } from '../common/disposable.js';
import type { FileManager } from '../files/file-manager.js';
import type { JobFile, PrinterService } from '../printer/printer-service.js';
import { jobDetailsOf } from '../printer/octoprint-views.js';
import { OFFLINE_SNAPSHOT, pushPrinterState, tempPoint, type JobDetails, type PushPrinterState, type TempPoint } from './printer-state.js';
import { PushMessage } from './transport.js';

interface Tick {
  id: number;
  state: PushPrinterState;
  logs: string[];
  messages: string[];
  temps: TempPoint[];
}

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

export class StateFeed implements Disposable {
  private readonly subscriptions = new DisposableStore();
  private readonly ticks: Tick[] = [];
  private pendingLogs: string[] = [];
  private pendingMessages: string[] = [];
  private pendingTemps: TempPoint[] = [];
  private readonly recentLogs: string[] = [];
  private readonly recentMessages: string[] = [];
  private readonly currentCache = new Map<string, PushMessage>();
  private lastId = 0;
  /** the job file's metadata, read asynchronously when the job changes (ticks are synchronous) */
  private details: { key: string; value: JobDetails | undefined; readAt: number } | undefined;

  constructor(
    private readonly printer: PrinterService | undefined,
    private readonly logLines: number,
    private readonly files?: FileManager,
  ) {
    if (!printer) return;
    this.subscriptions.add(
      printer.onLog(({ direction, line }) => {
        const logged = `${direction === 'send' ? '>>>' : '<<<'} ${line}`;
        pushBounded(this.pendingLogs, logged, logLines);
        pushBounded(this.recentLogs, logged, logLines);
        if (direction === 'recv') {
          pushBounded(this.pendingMessages, line, logLines);
          pushBounded(this.recentMessages, line, logLines);
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
        .get(job.origin, job.path)
        .then((stored) => {
          const file = stored?.kind === 'file' ? stored : undefined;
          entry.value = jobDetailsOf(file, file?.user ?? null);
        })
        .catch(() => undefined)
        .finally(() => (entry.readAt = this.lastId));
    }
    return this.details?.key === key ? this.details.value : undefined;
  }

  /** Closes the current tick: takes a snapshot and everything logged since the previous one. */
  tick(): number {
    const tick: Tick = {
      id: ++this.lastId,
      state: this.state(),
      logs: newest(this.pendingLogs, this.logLines),
      messages: newest(this.pendingMessages, this.logLines),
      temps: newest(this.pendingTemps, this.logLines),
    };
    this.pendingLogs = [];
    this.pendingMessages = [];
    this.pendingTemps = [];
    this.ticks.push(tick);
    if (this.ticks.length > KEPT_TICKS) this.ticks.shift();
    this.currentCache.clear();
    return tick.id;
  }

  /** `current` covering ticks `fromTick`..latest: built once per distinct range, then shared. */
  current(fromTick: number, withLogs = true, withMessages = true): PushMessage {
    const key = `${fromTick}:${this.lastId}:${withLogs}:${withMessages}`;
    let message = this.currentCache.get(key);
    if (!message) {
      const covered = this.ticks.filter((t) => t.id >= fromTick);
      const latest = covered[covered.length - 1] ?? { state: this.state(), logs: [], messages: [], temps: [] };
      message = new PushMessage('current', {
        ...latest.state,
        temps: covered.flatMap((t) => t.temps),
        logs: withLogs ? newest(covered.flatMap((t) => t.logs), this.logLines) : [],
        messages: withMessages ? newest(covered.flatMap((t) => t.messages), this.logLines) : [],
      });
      this.currentCache.set(key, message);
    }
    return message;
  }

  /** `history` data: the state now, the temperature history, the last log lines and messages. */
  history(): PushPrinterState & { temps: TempPoint[]; logs: string[]; messages: string[] } {
    return {
      ...this.state(),
      temps: (this.printer?.temperatureHistory() ?? []).map(tempPoint),
      logs: newest(this.recentLogs, this.logLines),
      messages: newest(this.recentMessages, this.logLines),
    };
  }

  dispose(): void {
    this.subscriptions.dispose();
  }
}
