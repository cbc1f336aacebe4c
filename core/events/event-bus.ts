/**
 * The event bus contract: where every catalogue event is dispatched. Events are born in the core
 * services (printer, files, slicing, timelapse, settings, server) and fired here; plugins react
 * through `@OnEvent`, the push channel forwards them, hook subscriptions run commands for them.
 */
import type { Disposable } from '../common/disposable.js';
import type { EventName, EventPayload, FiredPayload } from './catalogue.js';

/** One fired event as subscribers, history and the push channel see it. */
export interface FiredEvent<K extends EventName = EventName> {
  name: K;
  payload: EventPayload<K>;
  /** increases by one per fired event, for the lifetime of the process */
  seq: number;
  /** ISO-8601 time of firing */
  time: string;
}

/** An event whose name is only known at run time (custom events, test firing). */
export interface AnyFiredEvent {
  name: string;
  payload: object;
  seq: number;
  time: string;
}

export type EventHandler<K extends EventName> = (payload: EventPayload<K>, event: FiredEvent<K>) => unknown;
export type AnyEventHandler = (event: AnyFiredEvent) => unknown;

export interface SubscribeOptions {
  /** plugin id (or core service name) of the subscriber: named in the log when it throws */
  owner?: string;
}

export interface HistorySlice {
  events: AnyFiredEvent[];
  /** true when events after the given seq were already dropped from the bounded history */
  gap: boolean;
}

export interface EventBus {
  /**
   * Queues the event for every subscriber and returns at once; handlers never run inside this call.
   * A printer-scoped event (catalogue `PrinterEventName`) is fired with `printer: <id>` beside its keys.
   */
  fire<K extends EventName>(name: K, payload: FiredPayload<K>): FiredEvent<K>;
  /** Fires an event declared at run time (a plugin's custom event). Throws for undeclared names. */
  fireCustom(name: string, payload: object): AnyFiredEvent;
  on<K extends EventName>(name: K, handler: EventHandler<K>, options?: SubscribeOptions): Disposable;
  /** Every event, core and custom, in firing order. */
  onAny(handler: AnyEventHandler, options?: SubscribeOptions): Disposable;
  /** Declares `plugin_<id>_<name>` and returns that full name. */
  registerCustomEvent(pluginId: string, name: string, doc?: string): string;
  /** Core and custom event names currently known. */
  knownEvents(): string[];
  isKnown(name: string): boolean;
  /** Events after `afterSeq` still in the bounded history, oldest first. */
  since(afterSeq: number): HistorySlice;
  readonly lastSeq: number;
  /** Resolves true when every subscriber has handled everything fired so far, false at the timeout. */
  idle(timeoutMs: number): Promise<boolean>;
}
export const EventBus = Symbol.for('cuttle.EventBus');
