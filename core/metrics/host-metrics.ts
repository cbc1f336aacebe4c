/**
 * The host's Prometheus metrics on their own prom-client registry: prom-client's default process
 * metrics (event-loop lag, memory, CPU, handles) and cuttle's, fed by the services' signals:
 * every printer's temperatures and progress read at scrape time, lines sent, resends and errors counted
 * from each printer's signals (labelled `printer`; a removed printer's series go with it), push clients per transport, bus events per name, event-hook runs.
 */
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { DisposableStore, type Disposable } from '../common/disposable.js';
import type { EventHooks } from '../event-hooks/api.js';
import type { EventBus } from '../events/event-bus.js';
import type { TemperatureReading } from '../printer/printer-service.js';
import type { PrinterRegistry } from '../printers/printer-registry.js';
import type { PushService } from '../push/api.js';
import { eventPrinter } from '../common/printer-id.js';

export interface MetricSources {
  bus: EventBus;
  printers?: PrinterRegistry;
  push?: PushService;
  hooks?: EventHooks;
}

/** A received line that asks for a resend (Marlin `Resend: N`, Repetier `rs N`). */
const RESEND = /^(resend|rs)[:\s]/i;

export class HostMetrics implements Disposable {
  readonly registry = new Registry();
  private readonly subscriptions = new DisposableStore();

  constructor(sources: MetricSources) {
    const registers = [this.registry];
    // the event-loop delay histogram samples with a timer: every 10 ms by default, which wakes an
    // otherwise idle host 100 times a second (a printed line costs one wake-up); 100 ms still
    // catches every stall a scrape would care about
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 100 });
    const { bus, printers, push, hooks } = sources;
    const scopes = () => printers?.list() ?? [];

    const heaterGauge = (name: string, help: string, value: (reading: TemperatureReading) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['printer', 'heater'] as const,
        registers,
        collect() {
          this.reset();
          for (const { id, printer } of scopes()) {
            for (const [heater, reading] of Object.entries(printer.snapshot().temperatures)) this.set({ printer: id, heater }, value(reading));
          }
        },
      });
    heaterGauge('cuttle_temperature_celsius', 'Current temperature of each heater, as the printer last reported it.', (r) => r.actual);
    heaterGauge('cuttle_temperature_target_celsius', 'Target temperature of each heater (0: off).', (r) => r.target ?? 0);
    new Gauge({
      name: 'cuttle_job_progress_ratio',
      help: 'Completion of the current job from 0 to 1 (0 when no job is running).',
      labelNames: ['printer'] as const,
      registers,
      collect() {
        this.reset();
        for (const { id, printer } of scopes()) {
          const completion = printer.snapshot().progress.completion;
          this.set({ printer: id }, completion === null ? 0 : completion / 100);
        }
      },
    });
    /** lines sent per printer since the last scrape: a line adds to a number, the scrape adds them to the counter (a labelled inc per line cost more than the rest of this file) */
    const unscraped = new Map<string, { lines: number }>();
    const linesSent = new Counter({
      name: 'cuttle_lines_sent_total',
      help: 'Commands sent to the printer.',
      labelNames: ['printer'] as const,
      registers,
      collect() {
        for (const [printer, count] of unscraped) {
          if (count.lines > 0) this.inc({ printer }, count.lines);
          count.lines = 0;
        }
      },
    });
    const resends = new Counter({ name: 'cuttle_resends_total', help: 'Resend requests received from the printer.', labelNames: ['printer'] as const, registers });
    const errors = new Counter({ name: 'cuttle_printer_errors_total', help: 'Communication and firmware errors of the printer.', labelNames: ['printer'] as const, registers });
    if (printers) {
      this.subscriptions.add(
        printers.forEach(({ id, printer }) => {
          const labels = { printer: id };
          const counters = [linesSent, resends, errors];
          for (const counter of counters) counter.inc(labels, 0);
          const each = new DisposableStore();
          const count = { lines: 0 };
          unscraped.set(id, count);
          each.add(printer.onCommandSent(() => count.lines++));
          each.add(printer.onLog(({ direction, line }) => direction === 'recv' && RESEND.test(line) && resends.inc(labels)));
          each.add(printer.onError(() => errors.inc(labels)));
          // after the printer's last signals: its series leave the scrape with it
          each.add({
            dispose: () => {
              if (unscraped.get(id) === count) unscraped.delete(id);
              counters.forEach((counter) => counter.remove(labels));
            },
          });
          return each;
        }),
      );
    }

    const clients = new Map<string, number>();
    new Gauge({
      name: 'cuttle_push_clients',
      help: 'Open push connections per transport.',
      labelNames: ['transport'] as const,
      registers,
      collect() {
        for (const [transport, n] of clients) this.set({ transport }, n);
      },
    });
    if (push) {
      this.subscriptions.add(push.onClientOpened((c) => clients.set(c.transport, (clients.get(c.transport) ?? 0) + 1)));
      this.subscriptions.add(push.onClientClosed((c) => clients.set(c.transport, Math.max(0, (clients.get(c.transport) ?? 0) - 1))));
    }

    // `printer` is the event's printer while the host has it; empty (Prometheus: no such label) for
    // events of no printer and of a printer already removed, whose series went with it
    const printerLabels = new PrinterLabels((id) => printers?.get(id) !== undefined);
    const events = new Counter({ name: 'cuttle_events_total', help: 'Events fired on the bus, by name and printer.', labelNames: ['event', 'printer'] as const, registers });
    this.subscriptions.add(bus.onAny((event) => events.inc(printerLabels.of(events, { event: event.name }, eventPrinter(event.payload))), { owner: 'metrics' }));

    const hookRuns = new Counter({
      name: 'cuttle_hook_runs_total',
      help: 'Event-hook subscription runs by hook type, result (ran, failed, skipped) and the event\'s printer.',
      labelNames: ['type', 'result', 'printer'] as const,
      registers,
    });
    if (hooks) this.subscriptions.add(hooks.onDidRun((outcome) => hookRuns.inc(printerLabels.of(hookRuns, { type: outcome.type, result: outcome.status }, outcome.printer ?? undefined))));
    if (printers) this.subscriptions.add(printers.onDidRemove(({ id }) => printerLabels.removeAll(id)));
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  dispose(): void {
    this.subscriptions.dispose();
    this.registry.clear();
  }
}

/**
 * The label sets of counters that carry a `printer` label beside others (an event's name, a hook's
 * type): prom-client removes a series only by its whole label set, so each printer's sets are kept
 * to remove them all when the printer goes.
 */
class PrinterLabels {
  /** per printer: each counter's label sets used with it, as JSON */
  private readonly used = new Map<string, Map<Counter<string>, Set<string>>>();

  constructor(private readonly known: (printer: string) => boolean) {}

  /** `labels` with the printer's id when the host has that printer, else with an empty printer label. */
  of<L extends Record<string, string>>(counter: Counter<string>, labels: L, printer: string | undefined): L & { printer: string } {
    if (printer === undefined || !this.known(printer)) return { ...labels, printer: '' };
    const full = { ...labels, printer };
    let byCounter = this.used.get(printer);
    if (!byCounter) this.used.set(printer, (byCounter = new Map()));
    let sets = byCounter.get(counter);
    if (!sets) byCounter.set(counter, (sets = new Set()));
    sets.add(JSON.stringify(full));
    return full;
  }

  removeAll(printer: string): void {
    for (const [counter, sets] of this.used.get(printer) ?? []) for (const labels of sets) counter.remove(JSON.parse(labels) as Record<string, string>);
    this.used.delete(printer);
  }
}
