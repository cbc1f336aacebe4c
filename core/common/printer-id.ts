/**
 * Which printer something concerns. A printer-scoped event carries `printer: <id>` in its payload
 * (see `PrinterEventName` in the event catalogue); shared events (files, slicing, settings, server)
 * carry none. The printers themselves are listed by the PrinterRegistry, never here.
 */

/** What a printer id is: in URLs (`/printer/<id>/`), topics and event payloads. */
export const PRINTER_ID_PATTERN = /^[a-z0-9][a-z0-9-]*$/;

/**
 * Ids a printer cannot have: Moonraker's `/printer/<name>` paths at the main port's root
 * (core/moonraker), which would otherwise read as that printer's prefix.
 */
export const RESERVED_PRINTER_IDS: ReadonlySet<string> = new Set(['info', 'objects', 'gcode', 'print', 'restart']);

/** The id of the one printer of a host without `printers:` in config.yaml. */
export const DEFAULT_PRINTER_ID = 'default';

/** The printer an event's payload names, or undefined for a shared event. */
export function eventPrinter(payload: object | undefined): string | undefined {
  const printer = (payload as { printer?: unknown } | undefined)?.printer;
  return typeof printer === 'string' && printer !== '' ? printer : undefined;
}
