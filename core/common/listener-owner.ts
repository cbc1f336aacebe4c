/**
 * Who a listener belongs to. The plugin host runs a plugin's code (constructor, @OnStartup, handlers,
 * crons) inside `runAsOwner(owner, …)`; an `Emitter` subscription made meanwhile is the plugin's:
 * its listener is called later from one ordered queue, never on the emitting service's stack (the
 * serial path), and a throw is reported to the owner with the plugin's id. The scope is synchronous
 * on purpose: core code that a plugin calls and that continues asynchronously is not attributed to it.
 */
import { onMicrotask } from './microtask.js';

export interface ListenerOwner {
  /** the plugin id, named in the log when one of its listeners throws */
  readonly id: string;
  /** told about a throwing listener (the plugin host logs it with the plugin's logger) */
  report(err: unknown): void;
}

let current: ListenerOwner | undefined;

/** Runs `fn(arg)` with `owner` as the owner of every subscription it makes synchronously. */
export function runAsOwner<T, A = void>(owner: ListenerOwner, fn: (arg: A) => T, arg?: A): T {
  const previous = current;
  current = owner;
  try {
    return fn(arg as A);
  } finally {
    current = previous;
  }
}

/** The owner of subscriptions made right now, undefined in core code. */
export function currentOwner(): ListenerOwner | undefined {
  return current;
}

/**
 * Deliveries to owned listeners wait here, one FIFO for all owners: the category plugins turn
 * signals into catalogue events, and one queue keeps those events in the order the signals came.
 */
interface Delivery {
  owner: ListenerOwner;
  listener: (value: never) => void;
  value: unknown;
}
const queue: Delivery[] = [];
let scheduled = false;
let draining = false;
const idleWaiters: (() => void)[] = [];

function drain(): void {
  scheduled = false;
  draining = true;
  // deliveries queued while draining wait for the next turn, so I/O (the serial port) goes first
  const batch = queue.splice(0);
  try {
    for (const delivery of batch) deliver(delivery);
  } finally {
    draining = false;
  }
  if (queue.length === 0) for (const waiter of idleWaiters.splice(0)) waiter();
  else if (!scheduled) {
    scheduled = true;
    setImmediate(drain);
  }
}

/**
 * The first batch runs as a microtask: after the emitting service's synchronous work (the serial
 * write it queued goes first, being queued first), without another turn of the event loop, which
 * would cost a poll per printed line. What listeners cause while draining waits for the next turn.
 */
function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  if (draining) setImmediate(drain);
  else onMicrotask(drain);
}

/** One delivery, its value passed through `runAsOwner`: no closure per delivery (several per printed line). */
function deliver({ owner, listener, value }: Delivery): void {
  try {
    runAsOwner(owner, listener as (value: unknown) => void, value);
  } catch (err) {
    owner.report(err);
  }
}

/** Calls `listener(value)` later, as `owner`, reporting a throw to it. */
export function deliverAsOwner<T>(owner: ListenerOwner, listener: (value: T) => void, value: T): void {
  queue.push({ owner, listener, value });
  schedule();
}

export function ownedDeliveriesPending(): boolean {
  return queue.length > 0 || scheduled;
}

/** Resolves once every queued delivery to an owned listener has been made (the bus's idle() waits for it). */
export function ownedDeliveriesIdle(): Promise<void> {
  if (!ownedDeliveriesPending()) return Promise.resolve();
  return new Promise((resolve) => idleWaiters.push(resolve));
}
