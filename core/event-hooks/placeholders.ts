/**
 * Placeholder values of one event: the spec's generic `__` names (from the event and its printer's
 * snapshot), `{__printer}` (the event's printer id, '' for a shared event) and every payload key, nested keys by dotted path. Values are text: strings as they are,
 * numbers and booleans as JSON writes them, objects and lists as JSON, never a language-specific repr.
 */
import { eventPrinter } from '../common/printer-id.js';
import type { AnyFiredEvent } from '../events/event-bus.js';
import type { PrinterSnapshot } from '../printer/printer-service.js';
import { UnknownPlaceholderError, type Placeholders } from './api.js';
import { parseTemplate } from './template.js';

/** What `{__filename}`, `{__filepath}` and `{__fileorigin}` give when no file is selected (as the spec says). */
export const NO_FILE = 'NO FILE';

/** The printer facts the generic placeholders need; every field may be unknown. */
export type PrinterFacts = Pick<PrinterSnapshot, 'currentZ' | 'job' | 'progress'> | null;

export function formatValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  return JSON.stringify(value) ?? String(value);
}

/** The payload's value under `name`: an own key of that exact name first, else a dotted path. */
export function payloadValue(payload: object, name: string): unknown {
  const own = payload as Record<string, unknown>;
  if (Object.prototype.hasOwnProperty.call(own, name)) return own[name];
  let current: unknown = payload;
  for (const segment of name.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.prototype.hasOwnProperty.call(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

export function eventPlaceholders(event: AnyFiredEvent, printer: PrinterFacts): Placeholders {
  const job = printer?.job ?? null;
  const completion = printer?.progress?.completion;
  const generic: Record<string, () => unknown> = {
    __printer: () => eventPrinter(event.payload) ?? '',
    __currentZ: () => printer?.currentZ ?? -1,
    __filename: () => job?.name ?? NO_FILE,
    __filepath: () => job?.path ?? NO_FILE,
    __fileorigin: () => job?.origin ?? NO_FILE,
    __progress: () => (typeof completion === 'number' && Number.isFinite(completion) ? Math.floor(completion) : 0),
    __data: () => event.payload,
    __json: () => ({ event: event.name, payload: event.payload, seq: event.seq, time: event.time }),
    __now: () => event.time,
    __eventname: () => event.name,
  };
  const value = (name: string): string | undefined => {
    if (Object.prototype.hasOwnProperty.call(generic, name)) return formatValue(generic[name]!());
    const found = payloadValue(event.payload, name);
    return found === undefined ? undefined : formatValue(found);
  };
  return {
    value,
    substitute(template, encode = (text) => text) {
      let out = '';
      for (const part of parseTemplate(template)) {
        if ('text' in part) {
          out += part.text;
          continue;
        }
        const text = value(part.placeholder);
        if (text === undefined) throw new UnknownPlaceholderError(part.placeholder);
        out += encode(text, part.placeholder);
      }
      return out;
    },
  };
}
