/**
 * One printer as Moonraker clients see it: its object model, the console lines kept for
 * `server.gcode_store`, the Klipper command translator, and the subscription feed. The feed computes
 * the objects every 250 ms while a client subscribes (Klipper's own rate), and hands each client
 * only the fields that changed since the last tick; klippy state changes are announced at once.
 */
import { Emitter, type Event } from '../common/event.js';
import { DisposableStore, type Disposable } from '../common/disposable.js';
import type { PrinterProfile } from '../printer-profiles/profile-store.js';
import { detectDialect } from '../printer/protocol/dialects.js';
import type { PrinterScope } from '../printers/printer-registry.js';
import { KlipperTranslator } from './klipper-commands.js';
import { klippyState, PrinterModel, type PrinterStatus } from './printer-model.js';

export const STATUS_INTERVAL_MS = 250;
export const GCODE_STORE_SIZE = 1000;

/** One tick's changes; `encoded` holds each distinct subscription's message, encoded once for all its clients. */
export interface StatusChange {
  changes: PrinterStatus;
  eventtime: number;
  encoded: Map<string, string | null>;
}

export interface GcodeStoreEntry {
  message: string;
  time: number;
  type: 'command' | 'response';
}

/** a position report line (M114's answer, M154's auto-report) */
export const POSITION_REPORT = /^X:-?[\d.]+ Y:/;

/** lines a Klipper console would not show: acknowledgements, temperature reports, keep-alives (and position reports) */
const NOISE = /^(ok\b|wait$|busy:|echo:busy:|T:|\s*T\d?:\s*-?\d|ok T:|B:)/;

/** seconds since the host started, Klipper's `eventtime` */
export function eventtime(): number {
  return Math.round(performance.now()) / 1000;
}

export class PrinterFeed implements Disposable {
  readonly model: PrinterModel;
  readonly translator: KlipperTranslator;
  private readonly store: GcodeStoreEntry[] = [];
  private readonly subscriptions = new DisposableStore();
  private last: PrinterStatus | null = null;
  private timer: NodeJS.Timeout | undefined;
  private watchers = 0;
  private readonly changed = new Emitter<StatusChange>();
  private readonly gcodeResponse = new Emitter<string>();
  private readonly klippy = new Emitter<'ready' | 'shutdown' | 'disconnected'>();
  /** fields that changed since the last tick (only while someone watches) */
  readonly onStatusChanged: Event<StatusChange> = this.changed.event;
  /** every line the printer sent that a console shows */
  readonly onGcodeResponse: Event<string> = this.gcodeResponse.event;
  readonly onKlippyState: Event<'ready' | 'shutdown' | 'disconnected'> = this.klippy.event;

  constructor(
    readonly scope: PrinterScope,
    profile: () => PrinterProfile,
  ) {
    this.model = new PrinterModel(scope, profile);
    this.translator = new KlipperTranslator(() => detectDialect(scope.printer.firmware()?.name ?? null).id);
    this.subscriptions.add(this.model);
    this.subscriptions.add(
      scope.printer.onLog(({ direction, line }) => {
        if (direction !== 'recv' || NOISE.test(line) || POSITION_REPORT.test(line)) return;
        this.respond(line);
      }),
    );
    let previous = klippyState(scope.printer.state.id);
    this.subscriptions.add(
      scope.printer.onStateChanged((state) => {
        const now = klippyState(state.id);
        if (now === previous) return;
        previous = now;
        if (now === 'ready') {
          if (this.watchers > 0) this.reportPositions(true);
          this.klippy.fire('ready');
        }
        // the connection dropped (the port lost, the firmware silent): Klipper's lost klippy
        else if (now === 'error') this.klippy.fire('disconnected');
        else if (now === 'shutdown') this.klippy.fire('shutdown');
      }),
    );
  }

  /** a command a client sent, for the console's history */
  remember(message: string, type: GcodeStoreEntry['type']): void {
    this.store.push({ message, time: Date.now() / 1000, type });
    if (this.store.length > GCODE_STORE_SIZE) this.store.splice(0, this.store.length - GCODE_STORE_SIZE);
  }

  /** A console line: kept for server.gcode_store and sent as notify_gcode_response (a client's own M114's answer, say). */
  respond(line: string): void {
    this.remember(line, 'response');
    this.gcodeResponse.fire(line);
  }

  gcodeStore(count: number): GcodeStoreEntry[] {
    const n = Math.floor(Math.min(count, GCODE_STORE_SIZE));
    return n > 0 ? this.store.slice(-n) : [];
  }

  /** Starts the ticks for one more subscriber; dispose to stop watching. */
  watch(): Disposable {
    this.watchers++;
    if (!this.timer) {
      this.reportPositions(true);
      this.last = this.model.status();
      this.timer = setInterval(() => this.tick(), STATUS_INTERVAL_MS);
      this.timer.unref();
    }
    let done = false;
    return {
      dispose: () => {
        if (done) return;
        done = true;
        if (--this.watchers === 0) this.stopTicks();
      },
    };
  }

  private tick(): void {
    const now = this.model.status();
    const changes = diff(this.last ?? {}, now);
    this.last = now;
    if (Object.keys(changes).length > 0) this.changed.fire({ changes, eventtime: eventtime(), encoded: new Map() });
  }

  /**
   * The firmware's position auto-report (M154, Cap:AUTOREPORT_POS) while someone watches: the
   * toolhead's real position during a print without a single M114 (never sent then).
   */
  private reportPositions(on: boolean): void {
    const printer = this.scope.printer;
    if (!printer.firmware()?.capabilities['AUTOREPORT_POS'] || klippyState(printer.state.id) !== 'ready') return;
    try {
      printer.commands(`M154 S${on ? 1 : 0}`);
    } catch {
      // the connection is going: nothing to switch
    }
  }

  private stopTicks(): void {
    if (this.timer) this.reportPositions(false);
    clearInterval(this.timer);
    this.timer = undefined;
    this.last = null;
  }

  dispose(): void {
    this.stopTicks();
    this.subscriptions.dispose();
    this.changed.dispose();
    this.gcodeResponse.dispose();
    this.klippy.dispose();
  }
}

/** the fields of each object whose value differs (compared as JSON: positions are arrays) */
function diff(before: PrinterStatus, after: PrinterStatus): PrinterStatus {
  const changes: PrinterStatus = {};
  for (const [name, fields] of Object.entries(after)) {
    const old = before[name] ?? {};
    for (const [field, value] of Object.entries(fields)) {
      const was = old[field];
      const same = typeof value === 'object' && value !== null ? JSON.stringify(was) === JSON.stringify(value) : was === value;
      if (!same) (changes[name] ??= {})[field] = value;
    }
  }
  return changes;
}

/** The part of `status` a subscription asks for: whole objects (`null`) or listed fields. */
export function pick(status: PrinterStatus, wanted: ReadonlyMap<string, readonly string[] | null>): PrinterStatus {
  const out: PrinterStatus = {};
  for (const [name, fields] of wanted) {
    const object = status[name];
    if (!object) continue;
    if (fields === null) out[name] = object;
    else {
      const some: Record<string, unknown> = {};
      for (const field of fields) if (field in object) some[field] = object[field];
      if (Object.keys(some).length > 0) out[name] = some;
    }
  }
  return out;
}
