/**
 * The decorator API a plugin author writes against:
 *
 *     @Plugin({ id: 'print-logger', name: 'Print logger', version: '1.0.0', description: '…' })
 *     export class PrintLogger {
 *       constructor(@inject(PluginContext) private readonly ctx: PluginContext) {}
 *       @OnEvent('PrintDone') done(payload: EventPayload<'PrintDone'>) { this.ctx.logger.info(payload, 'done'); }
 *     }
 *
 * Decorators only record metadata on the class; the PluginHost reads it when it loads the plugin.
 * Metadata keys are `Symbol.for(...)` so that two copies of this package agree on them.
 */
import { injectable } from 'inversify';
import type { EventName, EventPayload } from '../events/catalogue.js';
import type { AnyFiredEvent, FiredEvent } from '../events/event-bus.js';
import type { HookHandler, HookPointName } from '../hooks/hook-points.js';
import type { PluginInfo } from './plugin-info.js';


export type PluginMember =
  | { kind: 'event'; method: string; event: string }
  | { kind: 'anyEvent'; method: string }
  | { kind: 'startup'; method: string }
  | { kind: 'shutdown'; method: string }
  | { kind: 'cron'; method: string; expression: string; timezone?: string }
  | { kind: 'hook'; method: string; point: string; order?: number };

const INFO = Symbol.for('cuttle.plugin.info');
const MEMBERS = Symbol.for('cuttle.plugin.members');

type Decorated = { [INFO]?: PluginInfo; [MEMBERS]?: PluginMember[] };
/** Checks the decorated method against `F`: fewer parameters are fine, a wrong payload type is not. */
type MethodDecorator<F> = <M extends F>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<M>) => void;

const ID_PATTERN = /^[a-z][a-z0-9-]{1,62}$/;

/**
 * A plugin's info, kept as literally as written (`const`), so that `PluginContext<typeof info>` knows
 * its settings' types and its events' names:
 *
 *     const info = definePlugin({ id: 'poller', …, settings: { interval: { format: 'nat', default: 5 } }, events: ['Polled'] });
 *     @Plugin(info) export class Poller { constructor(@inject(PluginContext) ctx: PluginContext<typeof info>) {} }
 */
export function definePlugin<const I extends PluginInfo>(info: I): I {
  return info;
}

/** Marks a class as a plugin. Its constructor parameters are injected from the container. */
export function Plugin(info: PluginInfo): ClassDecorator {
  if (!ID_PATTERN.test(info.id)) throw new Error(`plugin id "${info.id}" must match ${ID_PATTERN}`);
  return (target) => {
    (target as unknown as Decorated)[INFO] = info;
    injectable()(target as unknown as new (...args: never[]) => unknown);
  };
}

function member(entry: (method: string) => PluginMember) {
  return (target: object, key: string | symbol) => {
    const ctor = (target as { constructor: Decorated }).constructor;
    const own = Object.prototype.hasOwnProperty.call(ctor, MEMBERS) ? ctor[MEMBERS]! : [...(ctor[MEMBERS] ?? [])];
    own.push(entry(String(key)));
    ctor[MEMBERS] = own;
  };
}

/** Calls the method for every `name` event, in firing order; the parameter is that event's payload. */
export function OnEvent<K extends EventName>(
  name: K,
): MethodDecorator<(payload: EventPayload<K>, event: FiredEvent<K>) => unknown> {
  return member((method) => ({ kind: 'event', method, event: name }));
}

/** Calls the method for every event of the bus, core and custom. */
export function OnAnyEvent(): MethodDecorator<(event: AnyFiredEvent) => unknown> {
  return member((method) => ({ kind: 'anyEvent', method }));
}

/** Runs once the host is up, before `Startup` fires. May return a promise. */
export function OnStartup(): MethodDecorator<() => unknown> {
  return member((method) => ({ kind: 'startup', method }));
}

/** Runs at shutdown, after `Shutdown` was delivered, or when a per-printer instance's printer is removed; bounded by `events.shutdownGraceMs`. */
export function OnShutdown(): MethodDecorator<() => unknown> {
  return member((method) => ({ kind: 'shutdown', method }));
}

/** Runs the method on a node-cron schedule (5 or 6 fields); stopped when the host stops. */
export function Cron(expression: string, options?: { timezone?: string }): MethodDecorator<() => unknown> {
  return member((method) => ({ kind: 'cron', method, expression, timezone: options?.timezone }));
}

/** Registers the method at a hook point; its signature must be that point's handler type. */
export function Hook<P extends HookPointName>(point: P, options?: { order?: number }): MethodDecorator<HookHandler<P>> {
  return member((method) => ({ kind: 'hook', method, point, order: options?.order }));
}

export function pluginInfo(target: unknown): PluginInfo | undefined {
  return typeof target === 'function' ? (target as Decorated)[INFO] : undefined;
}

export function pluginMembers(target: unknown): readonly PluginMember[] {
  return typeof target === 'function' ? ((target as Decorated)[MEMBERS] ?? []) : [];
}
