/**
 * In-process typed notifications (VS Code's Event/Emitter): an `Event<T>` is a function taking a listener
 * (with an optional `this` and a store to add the subscription to) and returning a Disposable. Used
 * for service-to-service signals; the cross-plugin catalogue events go through the EventBus instead.
 *
 * A subscription made by a plugin's code (see listener-owner.ts) is owned: it is delivered from a
 * queue after the emitter's caller returns, and a throw is logged with the plugin's id.
 */
import { Disposable } from './disposable.js';
import { currentOwner, deliverAsOwner, type ListenerOwner } from './listener-owner.js';

/** Where `disposables` may be: an array or anything with `add` (a DisposableStore). */
export type DisposableSink = Disposable[] | { add(disposable: Disposable): unknown };

export type Event<T> = (listener: (value: T) => void, thisArgs?: unknown, disposables?: DisposableSink) => Disposable;

let defaultListenerErrorHandler: (err: unknown) => void = (err) => console.error(err);

/** Where throwing listeners are reported when an Emitter was not given its own handler (the host logs them). */
export function setDefaultListenerErrorHandler(handler: (err: unknown) => void): void {
  defaultListenerErrorHandler = handler;
}

interface Listener<T> {
  call(value: T): void;
  owner?: ListenerOwner;
}

export class Emitter<T> implements Disposable {
  private listeners = new Set<Listener<T>>();
  /**
   * The listeners as an array, made on the first fire after a change: a fire iterates the array
   * of its moment (a listener added meanwhile is not called), without copying the set each time
   * (several fires per printed line, on the serial path).
   */
  private snapshot: readonly Listener<T>[] | null = null;

  /** `onListenerError` is told about a throwing listener; by default the host's logger is. */
  constructor(private readonly onListenerError: (err: unknown) => void = (err) => defaultListenerErrorHandler(err)) {}

  readonly event: Event<T> = (listener, thisArgs, disposables) => {
    const bound = thisArgs === undefined ? listener : (value: T) => listener.call(thisArgs, value);
    const owner = currentOwner();
    // a plugin disposing its subscription before delivery no longer hears the value
    const call = owner ? (value: T) => void (this.listeners.has(entry) && bound(value)) : bound;
    const entry: Listener<T> = { call, owner };
    this.listeners.add(entry);
    this.snapshot = null;
    const subscription = Disposable.create(() => {
      this.listeners.delete(entry);
      this.snapshot = null;
    });
    if (Array.isArray(disposables)) disposables.push(subscription);
    else disposables?.add(subscription);
    return subscription;
  };

  /** Calls core listeners synchronously and queues owned (plugin) ones; a throwing listener does not stop the others. */
  fire(value: T): void {
    if (this.listeners.size === 0) return;
    const listeners = (this.snapshot ??= [...this.listeners]);
    for (const listener of listeners) {
      if (listener.owner) {
        deliverAsOwner(listener.owner, listener.call, value);
        continue;
      }
      try {
        listener.call(value);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }

  /** how many listeners are subscribed (for leak checks) */
  get listenerCount(): number {
    return this.listeners.size;
  }

  dispose(): void {
    this.listeners.clear();
    this.snapshot = null;
  }
}
