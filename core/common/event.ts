/**
 * In-process typed notifications (VS Code's Event/Emitter): an `Event<T>` is a function taking a listener
 * and returning a Disposable. Used for service-to-service signals; the cross-plugin catalogue events
 * go through the EventBus instead.
 */
import { Disposable } from './disposable.js';

export type Event<T> = (listener: (value: T) => void) => Disposable;

let defaultListenerErrorHandler: (err: unknown) => void = (err) => console.error(err);

/** Where throwing listeners are reported when an Emitter was not given its own handler (the host logs them). */
export function setDefaultListenerErrorHandler(handler: (err: unknown) => void): void {
  defaultListenerErrorHandler = handler;
}

export class Emitter<T> implements Disposable {
  private listeners = new Set<(value: T) => void>();

  /** `onListenerError` is told about a throwing listener; by default the host's logger is. */
  constructor(private readonly onListenerError: (err: unknown) => void = (err) => defaultListenerErrorHandler(err)) {}

  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return Disposable.create(() => this.listeners.delete(listener));
  };

  /** Calls every listener synchronously; a throwing listener does not stop the others. */
  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
