/**
 * Subscription filters: `{ key: value }` holds when the payload's value at that (dotted) key equals
 * the value; a list of values holds when any of them is equal. Equality is by JSON form, so a
 * YAML `0.2` matches a payload 0.2 and `local` matches "local". A `printers` list holds for an event
 * whose payload's `printer` is listed; a shared event (no `printer`) never matches one.
 */
import { eventPrinter } from '../common/printer-id.js';
import { payloadValue } from './placeholders.js';

export function matchesPrinters(printers: readonly string[] | null, payload: object): boolean {
  if (!printers) return true;
  const printer = eventPrinter(payload);
  return printer !== undefined && printers.includes(printer);
}

export function matchesFilter(filter: Readonly<Record<string, unknown>> | null, payload: object): boolean {
  if (!filter) return true;
  return Object.entries(filter).every(([key, wanted]) => {
    const actual = JSON.stringify(payloadValue(payload, key) ?? null);
    const options = Array.isArray(wanted) ? wanted : [wanted];
    return options.some((option) => JSON.stringify(option ?? null) === actual);
  });
}
