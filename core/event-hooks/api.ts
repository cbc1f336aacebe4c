/**
 * The public event-hook API (re-exported by core/index.ts). A subscription in `events.subscriptions`
 * names an event, a hook type and one or more command templates. The dispatcher resolves
 * placeholders and hands each command to the hook type registered under the subscription's `type`.
 * Hook types are contributed by plugins: a plugin class decorated `@HookType()` that implements
 * HookType (or any object given to `HookTypeRegistry.register`):
 *
 *     @HookType()
 *     @Plugin({ id: 'log-hook', name: 'Log hook', version: '1.0.0', description: 'type: log' })
 *     export class LogHook implements HookType {
 *       readonly name = 'log';
 *       constructor(@inject(PluginContext) private readonly ctx: PluginContext) {}
 *       async runCommand(template: string, run: HookRun): Promise<CommandOutcome> {
 *         const line = run.placeholders.substitute(template);
 *         this.ctx.logger.info(line);
 *         return { command: line, status: 'ok' };
 *       }
 *     }
 */
import { contributionDecorator } from '../plugins/contributions.js';
import type { Disposable } from '../common/disposable.js';
import type { Event } from '../common/event.js';
import type { AnyFiredEvent } from '../events/event-bus.js';
import type { Logger } from '../logging/logger.js';
import type { SubscriptionConfig } from './settings.js';

/** One valid entry of `events.subscriptions`, with defaults applied. All durations are in ms. */
export interface Subscription {
  /** position in `events.subscriptions`, as named in every log line about it */
  readonly index: number;
  readonly event: string;
  readonly type: string;
  readonly commands: readonly string[];
  readonly enabled: boolean;
  /** log each resolved command at info level before it runs */
  readonly debug: boolean;
  /** per command; `events.commandTimeout` when the entry does not set `timeout`; 0: no limit */
  readonly timeout: number;
  /** at most one run per this many ms (0: no limit) */
  readonly throttle: number;
  /** run once the event has been quiet this many ms, with the last payload (0: at once) */
  readonly debounce: number;
  /** payload conditions, all of which must hold: `{ origin: local }`, `{ 'position.z': [0, 0.2] }` */
  readonly filter: Readonly<Record<string, unknown>> | null;
  /** only events of these printers (payload `printer`) fire it; null: every event, shared ones included */
  readonly printers: readonly string[] | null;
  /** the entry as configured, for the options of its hook type (e.g. `shell`, `retries`) */
  readonly options: Readonly<SubscriptionConfig>;
  /** e.g. `events.subscriptions[2] (PrintDone → system)` */
  readonly label: string;
}

/** An entry of `events.subscriptions` that was rejected, and why. */
export interface SubscriptionProblem {
  index: number;
  reason: string;
}

/** The placeholder values of one event, as text. */
export interface Placeholders {
  /** The text for `{name}` (`__now`, `name`, `position.x`, …), or undefined when the event has no such value. */
  value(name: string): string | undefined;
  /**
   * The template with every placeholder replaced. `encode` turns each value into what goes in its place
   * (URL-encoding, removing line breaks…). Throws UnknownPlaceholderError for a name without a value.
   */
  substitute(template: string, encode?: (value: string, name: string) => string): string;
}

/** What became of one command of a subscription. */
export interface CommandOutcome {
  /** the command as resolved (what was sent, spawned or posted) */
  command: string;
  status: 'ok' | 'failed' | 'timeout' | 'skipped';
  exitCode?: number | null;
  signal?: string | null;
  stdout?: string;
  stderr?: string;
  /** why it failed or was skipped, or a short note ("queued") */
  detail?: string;
  durationMs?: number;
}

/** What became of one subscription for one event. */
export interface SubscriptionOutcome {
  index: number;
  label: string;
  event: string;
  /** the event's printer, null for an event of no printer */
  printer: string | null;
  type: string;
  /** `ran`: every command ok; `failed`: one failed and the rest of its list did not run; `skipped`: nothing ran */
  status: 'ran' | 'failed' | 'skipped';
  /** why it was skipped or failed */
  reason?: string;
  commands: CommandOutcome[];
}

/** Everything a hook type gets to run one command of a subscription. */
export interface HookRun {
  readonly subscription: Subscription;
  readonly event: AnyFiredEvent;
  readonly placeholders: Placeholders;
  /** a child logger naming the subscription */
  readonly logger: Logger;
  /** aborted when the host stops: end long-running work early */
  readonly signal: AbortSignal;
  /** Logs the resolved command before it runs (at info when the subscription has `debug: true`). */
  announce(resolved: string): void;
}

/** A kind of subscription: the `type:` value and how to run one command of it. */
export interface HookType {
  /** the `type:` a subscription names, e.g. `gcode`, `system`, `webhook` */
  readonly name: string;
  /** Problems with a subscription's commands or type-specific options, checked at load; [] when fine. */
  validate?(subscription: Subscription): string[];
  /**
   * Runs one command template. Resolve placeholders through `run.placeholders`; report failure in the
   * outcome rather than throwing (a throw is reported as a failed command). Commands of a list run in
   * order; the first that is not `ok` stops the list.
   */
  runCommand(template: string, run: HookRun): Promise<CommandOutcome>;
}

/** Where hook types are registered; inject it with `@inject(HookTypeRegistry)`. */
/** `@HookType()` on a plugin class that implements HookType makes it an event-hook type while the plugin runs. */
export const HookType = contributionDecorator<HookType>('hook-type');

export interface HookTypeRegistry {
  /** Adds a type; subscriptions of that type become active. Dispose to remove it. Throws on a taken name. */
  register(type: HookType, options: { owner: string }): Disposable;
  get(name: string): HookType | undefined;
  names(): string[];
  /** fired when a type is added or removed */
  readonly onDidChange: Event<void>;
}
export const HookTypeRegistry = Symbol.for('cuttle.HookTypeRegistry');

export interface TestFireResult {
  event: string;
  /** false when `events.enabled` is false: nothing ran */
  enabled: boolean;
  subscriptions: SubscriptionOutcome[];
}

/** The running event hooks: what loaded, what was rejected, and test-firing. */
export interface EventHooks {
  subscriptions(): readonly Subscription[];
  problems(): readonly SubscriptionProblem[];
  /**
   * Runs the subscriptions for `event` (filters apply; throttle and debounce do not) without firing it
   * on the bus, and resolves with what each produced; `only`: just the one at that index of
   * `events.subscriptions`. Throws for an event no plugin declares.
   */
  testFire(event: string, payload: object, only?: number): Promise<TestFireResult>;
  /** Why an entry of `events.subscriptions` would be rejected now (as at load), undefined when it would load. */
  check(entry: unknown): string | undefined;
  /** Re-reads `events.*` from settings (done automatically when settings are saved). */
  reload(): void;
  /** Resolves true when no subscription run is in progress, false at the timeout. */
  idle(timeoutMs: number): Promise<boolean>;
  /** every finished subscription run, including skipped ones */
  readonly onDidRun: Event<SubscriptionOutcome>;
}
export const EventHooks = Symbol.for('cuttle.EventHooks');

/** Thrown by `Placeholders.substitute` for a placeholder the event has no value for. */
export class UnknownPlaceholderError extends Error {
  constructor(readonly placeholder: string) {
    super(`unknown placeholder {${placeholder}}`);
    this.name = 'UnknownPlaceholderError';
  }
}

export { parseTemplate, placeholderNames, type TemplatePart } from './template.js';
