/** Helpers of the farm-events tests: a simulated printer's config entry, and stopping a farm host. */
import { PrinterRegistry } from '../../core/printers/printer-registry.js';
import type { TestHost } from '../support/host.js';

/** A `printers:` entry for the in-process simulated printer, connected by the test. */
export function virtualPrinter(id: string): { id: string; connection: { port: string; autoconnect: boolean } } {
  return { id, connection: { port: 'virtual', autoconnect: false } };
}

/** Disconnects every printer (their jobs end first), then stops the host. */
export async function stopFarm(t: TestHost | undefined): Promise<void> {
  for (const scope of t?.get<PrinterRegistry>(PrinterRegistry).list() ?? []) await scope.printer.disconnect().catch(() => undefined);
  await t?.stop();
}
