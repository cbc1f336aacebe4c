/**
 * The event-hook dispatcher: reads `events.subscriptions`, listens to every bus event with `onAny`,
 * and runs the matching subscriptions in the background (the bus handler only starts them, so a slow
 * or hanging command never holds up the bus). Each run resolves placeholders, then hands the commands
 * one by one to the subscription's hook type and logs what each produced against the subscription.
 */
import { inject, injectable } from 'inversify';
import { DisposableStore } from '../common/disposable.js';
import { Emitter } from '../common/event.js';
import type { LifecycleContribution } from '../common/lifecycle.js';
import { EVENT_CATALOGUE, isCoreEvent } from '../events/catalogue.js';
import { EventBus, type AnyFiredEvent } from '../events/event-bus.js';
import { eventsSettings } from '../events/settings.js';
import { errorInfo, Logger } from '../logging/logger.js';
import { eventPrinter } from '../common/printer-id.js';
import { PrinterRegistry } from '../printers/printer-registry.js';
import { SettingsService } from '../settings/settings-service.js';
import {
  HookTypeRegistry,
  UnknownPlaceholderError,
  type CommandOutcome,
  type EventHooks,
  type HookRun,
  type Subscription,
  type SubscriptionOutcome,
  type SubscriptionProblem,
  type TestFireResult,
} from './api.js';
import { matchesFilter, matchesPrinters } from './filter.js';
import { eventPlaceholders, type PrinterFacts } from './placeholders.js';
import { RateGate } from './rate-gate.js';
import { eventHooksSettings } from './settings.js';
import { loadSubscriptions, type LoadContext } from './subscriptions.js';
import { placeholderNames } from './template.js';

const GENERIC_PLACEHOLDERS = ['__printer', '__currentZ', '__filename', '__filepath', '__fileorigin', '__progress', '__data', '__json', '__now', '__eventname'];
/** stdout/stderr kept in a log line */
const LOG_OUTPUT_LIMIT = 2000;

@injectable()
export class EventHookDispatcher implements EventHooks, LifecycleContribution {
  readonly lifecycleName = 'event-hooks';
  private readonly logger: Logger;
  private enabled = false;
  private loaded: Subscription[] = [];
  private rejected: SubscriptionProblem[] = [];
  /** throttle/debounce per subscription and printer: one printer's events never hold back another's */
  private gates = new Map<Subscription, Map<string, RateGate>>();
  private typesAtLoad = new Set<string>();
  private readonly running = new Set<Promise<SubscriptionOutcome>>();
  private idleWaiters: (() => void)[] = [];
  private readonly lifetime = new DisposableStore();
  private readonly abort = new AbortController();
  private readonly didRun = new Emitter<SubscriptionOutcome>();
  readonly onDidRun = this.didRun.event;

  constructor(
    @inject(EventBus) private readonly bus: EventBus,
    @inject(SettingsService) private readonly settings: SettingsService,
    @inject(HookTypeRegistry) private readonly types: HookTypeRegistry,
    @inject(Logger) logger: Logger,
    @inject(PrinterRegistry) private readonly printers: PrinterRegistry,
  ) {
    this.logger = logger.child({ service: 'event-hooks' });
  }

  start(): void {
    this.reload();
    this.lifetime.add(this.bus.onAny((event) => this.onEvent(event), { owner: 'event-hooks' }));
    this.lifetime.add(this.settings.of(eventHooksSettings).onDidChange(() => this.reload()));
    // a type that arrives late activates its subscriptions; one that leaves (plugins stop first at
    // shutdown) only makes its runs skip, without a wave of "unknown type" errors
    this.lifetime.add(this.types.onDidChange(() => this.types.names().some((name) => !this.typesAtLoad.has(name)) && this.reload()));
  }

  /** Lets running commands (those for Shutdown among them) finish within the grace period, then kills the rest. */
  async stop(): Promise<void> {
    this.lifetime.dispose();
    this.disposeGates();
    const grace = this.settings.of(eventsSettings).get().shutdownGraceMs;
    if (await this.idle(grace)) return;
    this.logger.warn(`${this.running.size} event-hook run(s) still busy ${grace} ms after shutdown began: stopping them`);
    this.abort.abort();
    await this.idle(5000);
  }

  subscriptions(): readonly Subscription[] {
    return this.loaded;
  }

  problems(): readonly SubscriptionProblem[] {
    return this.rejected;
  }

  reload(): void {
    const config = this.settings.of(eventHooksSettings).get();
    this.enabled = config.enabled;
    this.typesAtLoad = new Set(this.types.names());
    const { subscriptions, problems } = loadSubscriptions(config.subscriptions, this.loadContext(config.commandTimeout));
    this.disposeGates();
    this.loaded = subscriptions;
    this.rejected = problems;
    for (const problem of problems) {
      this.logger.error({ index: problem.index, reason: problem.reason }, `events.subscriptions[${problem.index}] ignored: ${problem.reason}`);
    }
    for (const subscription of subscriptions) {
      this.warnAboutPlaceholders(subscription);
      this.warnAboutPrinters(subscription);
    }
    this.logger.info(
      { enabled: this.enabled, subscriptions: subscriptions.length, rejected: problems.length },
      this.enabled ? `${subscriptions.length} event subscription(s) loaded` : 'event hooks are off (events.enabled: false)',
    );
  }

  check(entry: unknown): string | undefined {
    return loadSubscriptions([entry], this.loadContext(this.settings.of(eventHooksSettings).get().commandTimeout)).problems[0]?.reason;
  }

  private loadContext(defaultTimeout: number): LoadContext {
    return {
      isKnownEvent: (name) => this.bus.isKnown(name),
      hookType: (name) => this.types.get(name),
      hookTypeNames: () => this.types.names(),
      defaultTimeout,
    };
  }

  async testFire(event: string, payload: object, only?: number): Promise<TestFireResult> {
    if (!this.bus.isKnown(event)) throw new Error(`unknown event "${event}": no loaded plugin declares it`);
    if (!this.enabled) return { event, enabled: false, subscriptions: [] };
    const fired: AnyFiredEvent = { name: event, payload, seq: 0, time: new Date().toISOString() };
    const outcomes = this.loaded
      .filter((subscription) => subscription.event === event && (only === undefined || subscription.index === only))
      .map((subscription) => {
        if (!subscription.enabled) return Promise.resolve(this.skipped(subscription, payload, 'disabled (enabled: false)'));
        if (!matchesPrinters(subscription.printers, payload)) return Promise.resolve(this.skipped(subscription, payload, 'printers does not list the event\'s printer'));
        if (!matchesFilter(subscription.filter, payload)) return Promise.resolve(this.skipped(subscription, payload, 'filter does not match'));
        return this.track(this.run(subscription, fired));
      });
    return { event, enabled: true, subscriptions: await Promise.all(outcomes) };
  }

  idle(timeoutMs: number): Promise<boolean> {
    if (this.running.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((waiter) => waiter !== done);
        resolve(false);
      }, timeoutMs);
      this.idleWaiters.push(done);
    });
  }

  /** The bus handler: only decides and starts; never awaits a command. */
  private onEvent(event: AnyFiredEvent): void {
    if (!this.enabled) return;
    for (const subscription of this.loaded) {
      if (subscription.event !== event.name || !subscription.enabled) continue;
      if (!matchesPrinters(subscription.printers, event.payload) || !matchesFilter(subscription.filter, event.payload)) continue;
      if (subscription.throttle > 0 || subscription.debounce > 0) this.gate(subscription, eventPrinter(event.payload) ?? '').offer(event);
      else void this.track(this.run(subscription, event));
    }
  }

  private gate(subscription: Subscription, printer: string): RateGate {
    let gates = this.gates.get(subscription);
    if (!gates) this.gates.set(subscription, (gates = new Map()));
    let gate = gates.get(printer);
    if (!gate) {
      gate = new RateGate(
        subscription.throttle,
        subscription.debounce,
        (event) => void this.track(this.run(subscription, event)),
        (event) => this.logger.debug({ subscription: subscription.label, seq: event.seq }, 'throttled: not run'),
      );
      gates.set(printer, gate);
    }
    return gate;
  }

  private disposeGates(): void {
    for (const gates of this.gates.values()) for (const gate of gates.values()) gate.dispose();
    this.gates = new Map();
  }

  private track(run: Promise<SubscriptionOutcome>): Promise<SubscriptionOutcome> {
    this.running.add(run);
    void run.finally(() => {
      this.running.delete(run);
      if (this.running.size === 0) for (const waiter of this.idleWaiters.splice(0)) waiter();
    });
    return run;
  }

  private async run(subscription: Subscription, event: AnyFiredEvent): Promise<SubscriptionOutcome> {
    const logger = this.logger.child({ subscription: subscription.label, event: event.name, seq: event.seq });
    const placeholders = eventPlaceholders(event, this.printerFacts(event));
    const outcome: SubscriptionOutcome = {
      index: subscription.index,
      label: subscription.label,
      event: event.name,
      printer: eventPrinter(event.payload) ?? null,
      type: subscription.type,
      status: 'ran',
      commands: [],
    };
    const unknown = subscription.commands.flatMap(placeholderNames).find((name) => placeholders.value(name) === undefined);
    const type = this.types.get(subscription.type);
    if (unknown !== undefined || !type) {
      const reason = type ? new UnknownPlaceholderError(unknown!).message : `hook type "${subscription.type}" is no longer registered`;
      logger.warn({ placeholder: unknown }, `skipped ${subscription.label}: ${reason}`);
      return this.finish({ ...outcome, status: 'skipped', reason });
    }
    const hookRun: HookRun = {
      subscription,
      event,
      placeholders,
      logger,
      signal: this.abort.signal,
      announce: (resolved) =>
        subscription.debug ? logger.info({ command: resolved }, `running: ${resolved}`) : logger.debug({ command: resolved }, 'running'),
    };
    for (const template of subscription.commands) {
      const started = performance.now();
      let result: CommandOutcome;
      try {
        result = await type.runCommand(template, hookRun);
      } catch (err) {
        result = { command: template, status: 'failed', detail: (err as Error)?.message ?? String(err) };
        logger.error({ command: template, ...errorInfo(err) }, `the ${subscription.type} hook type threw`);
      }
      result.durationMs ??= Math.round(performance.now() - started);
      outcome.commands.push(result);
      this.logCommand(logger, subscription, result);
      if (result.status !== 'ok') {
        outcome.status = result.status === 'skipped' ? 'skipped' : 'failed';
        outcome.reason = `${result.status}: ${result.detail ?? result.command}`;
        const rest = subscription.commands.length - outcome.commands.length;
        if (rest > 0) logger.warn(`${rest} remaining command(s) of ${subscription.label} not run`);
        break;
      }
    }
    return this.finish(outcome);
  }

  private finish(outcome: SubscriptionOutcome): SubscriptionOutcome {
    this.didRun.fire(outcome);
    return outcome;
  }

  private skipped(subscription: Subscription, payload: object, reason: string): SubscriptionOutcome {
    const { index, label, event, type } = subscription;
    return this.finish({ index, label, event, printer: eventPrinter(payload) ?? null, type, status: 'skipped', reason, commands: [] });
  }

  private logCommand(logger: Logger, subscription: Subscription, result: CommandOutcome): void {
    const fields = {
      command: result.command,
      status: result.status,
      exitCode: result.exitCode,
      signal: result.signal,
      stdout: result.stdout?.slice(0, LOG_OUTPUT_LIMIT),
      stderr: result.stderr?.slice(0, LOG_OUTPUT_LIMIT),
      detail: result.detail,
      durationMs: result.durationMs,
    };
    if (result.status === 'ok') logger.info(fields, `${subscription.type} command done`);
    else if (result.status === 'skipped') logger.warn(fields, `${subscription.type} command skipped: ${result.detail ?? ''}`);
    else logger.error(fields, `${subscription.type} command ${result.status === 'timeout' ? 'timed out' : 'failed'}: ${result.detail ?? ''}`);
  }

  /**
   * The facts of the event's printer. A shared event has none, except on a host with one printer,
   * where there is no doubt which printer `{__filename}` or `{__progress}` mean.
   */
  private printerFacts(event: AnyFiredEvent): PrinterFacts {
    const id = eventPrinter(event.payload);
    const all = this.printers.list();
    const scope = id !== undefined ? this.printers.get(id) : all.length === 1 ? all[0] : undefined;
    if (!scope) return null;
    try {
      return scope.printer.snapshot();
    } catch (err) {
      this.logger.warn(errorInfo(err), 'printer snapshot failed: generic placeholders use their defaults');
      return null;
    }
  }

  /** A start-up hint: a `printers` id no printer has (yet: printers can be added while the host runs). */
  private warnAboutPrinters(subscription: Subscription): void {
    for (const id of subscription.printers ?? []) {
      if (this.printers.get(id)) continue;
      this.logger.warn({ subscription: subscription.label, printer: id }, `${subscription.label}: printers lists "${id}", which is not a configured printer`);
    }
  }

  /** A start-up hint for core events: a placeholder that is neither generic nor a catalogue payload key. */
  private warnAboutPlaceholders(subscription: Subscription): void {
    if (!isCoreEvent(subscription.event)) return;
    const keys = EVENT_CATALOGUE[subscription.event].keys as Record<string, unknown>;
    for (const name of subscription.commands.flatMap(placeholderNames)) {
      const root = name.split('.')[0]!;
      if (GENERIC_PLACEHOLDERS.includes(name) || Object.prototype.hasOwnProperty.call(keys, root)) continue;
      this.logger.warn(
        { subscription: subscription.label, placeholder: name },
        `${subscription.label}: {${name}} is not a key of ${subscription.event}; the subscription will be skipped when the payload lacks it`,
      );
    }
  }
}
