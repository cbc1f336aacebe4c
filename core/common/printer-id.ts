/**
 * Which printer something concerns. The host drives one printer today, called `default`; the event
 * log, job history, metrics and MQTT already key everything by printer id through these helpers, so
 * a host with several printers only has to change them.
 */
export const DEFAULT_PRINTER_ID = 'default';

/** The printer ids the host drives. */
export function printerIds(): string[] {
  return [DEFAULT_PRINTER_ID];
}

/** The printer an event concerns: its payload's `printer` when it names one, else the host's printer. */
export function printerIdOf(payload: object | undefined): string {
  const printer = (payload as { printer?: unknown } | undefined)?.printer;
  return typeof printer === 'string' && printer !== '' ? printer : DEFAULT_PRINTER_ID;
}
