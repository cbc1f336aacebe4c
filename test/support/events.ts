/**
 * The one event recorder of the tests: `recordEvents(busOrHost)` keeps every bus event fired from now
 * on, in order, and answers the questions tests ask of them (names in order, the payloads of one
 * event, the first matching one (waiting for it), "everything delivered"). It subscribes with the test as owner.
 */
import type { AnyFiredEvent } from '../../core/events/event-bus.js';
import { EventBus } from '../../core/events/event-bus.js';
import type { TestHost } from './host.js';
import { waitFor } from './wait.js';

export interface EventRecorder {
  /** every event so far, in firing order */
  readonly events: AnyFiredEvent[];
  /** the names so far, in order; only those in `filter` when given */
  names(filter?: readonly string[]): string[];
  /** the events called `name` so far */
  named(name: string): AnyFiredEvent[];
  /** the payloads of the events called `name` so far */
  payloads<T = Record<string, unknown>>(name: string): T[];
  /** the first event called `name` (among those recorded, or yet to come) whose payload matches */
  first<T = Record<string, unknown>>(name: string, match?: (payload: T) => boolean, timeoutMs?: number): Promise<T>;
  /** resolves once the bus has delivered everything fired so far */
  idle(timeoutMs?: number): Promise<boolean>;
  clear(): void;
  /** stops recording */
  dispose(): void;
}

export function recordEvents(source: EventBus | Pick<TestHost, 'get'>): EventRecorder {
  const bus = 'onAny' in source ? source : source.get<EventBus>(EventBus);
  const events: AnyFiredEvent[] = [];
  const subscription = bus.onAny((e) => void events.push(e), { owner: 'test' });
  const named = (name: string) => events.filter((e) => e.name === name);
  return {
    events,
    names: (filter) => events.map((e) => e.name).filter((name) => !filter || filter.includes(name)),
    named,
    payloads: <T>(name: string) => named(name).map((e) => e.payload as T),
    first: <T>(name: string, match: (payload: T) => boolean = () => true, timeoutMs = 20_000) =>
      waitFor(() => named(name).map((e) => e.payload as T).find(match), timeoutMs, `event ${name}`),
    idle: (timeoutMs = 5000) => bus.idle(timeoutMs),
    clear: () => void events.splice(0),
    dispose: () => subscription.dispose(),
  };
}
