/**
 * What one push client asked for with OctoPrint's client messages: `subscribe {state, events, plugins}`
 * (replaces the previous subscription as a whole; a key left out means "none of it") and `throttle n`
 * (only every n-th `current`). cuttle adds `printers: [ids]` for the farm view: left out, every
 * printer. Bad input is reported, never thrown past the transport.
 */

export interface Subscription {
  state: boolean;
  logs: boolean;
  messages: boolean;
  /** true for every event, or the accepted event names */
  events: true | ReadonlySet<string>;
  /** true for every plugin, or the accepted plugin ids */
  plugins: true | ReadonlySet<string>;
  /** farm view: true for every printer, or the printer ids whose state and events are wanted */
  printers: true | ReadonlySet<string>;
}

export const EVERYTHING: Subscription = { state: true, logs: true, messages: true, events: true, plugins: true, printers: true };

export class SubscriptionError extends Error {}

function nameSet(value: unknown, key: string): true | ReadonlySet<string> {
  if (value === true) return true;
  if (value === undefined || value === false || value === null) return new Set();
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return new Set(value as string[]);
  throw new SubscriptionError(`subscribe.${key} must be true, false or a list of names`);
}

export function parseSubscription(input: unknown): Subscription {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new SubscriptionError('subscribe needs an object');
  const data = input as Record<string, unknown>;
  const state = data['state'];
  let parsedState: Pick<Subscription, 'state' | 'logs' | 'messages'>;
  if (state === undefined || typeof state === 'boolean') {
    parsedState = { state: state === true, logs: state === true, messages: state === true };
  } else if (state !== null && typeof state === 'object' && !Array.isArray(state)) {
    const { logs, messages } = state as Record<string, unknown>;
    // OctoPrint also accepts a regex for logs; any non-false value keeps the logs here
    parsedState = { state: true, logs: logs !== false && logs !== undefined, messages: messages !== false && messages !== undefined };
  } else {
    throw new SubscriptionError('subscribe.state must be a boolean or {logs, messages}');
  }
  const printers = data['printers'] === undefined || data['printers'] === null || data['printers'] === true ? true : nameSet(data['printers'], 'printers');
  return { ...parsedState, events: nameSet(data['events'], 'events'), plugins: nameSet(data['plugins'], 'plugins'), printers };
}

export function parseThrottle(input: unknown): number {
  const n = typeof input === 'string' ? Number(input) : input;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 1000) throw new SubscriptionError('throttle must be an integer from 1 to 1000');
  return n;
}

export function acceptsName(set: true | ReadonlySet<string>, name: string): boolean {
  return set === true || set.has(name);
}
