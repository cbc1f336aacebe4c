/** A host with several simulated printers (`printers:` entries on `virtual`), for the farm surface tests. */
import { startApiHost } from '../api/support.js';
import { fastSerial } from '../printer/helpers.js';
import type { TestHost } from '../support/host.js';
import { PrinterRegistry } from '../../core/printers/printer-registry.js';
import type { PrinterService } from '../../core/printer/printer-service.js';
import { waitFor } from '../support/wait.js';

export interface FarmHost {
  t: TestHost;
  registry: PrinterRegistry;
  printer(id: string): PrinterService;
  /** state ids of every printer, by id */
  states(): Record<string, string>;
  stop(): Promise<void>;
}

export async function startFarmHost(printers: { id: string; listen?: number }[], config: Record<string, unknown> = {}): Promise<FarmHost> {
  const t = await startApiHost({
    config: {
      ...fastSerial({ motion: true, speedFactor: 20 }),
      printers: printers.map(({ id, listen }) => ({ id, name: `Printer ${id}`, connection: { port: 'virtual' }, ...(listen ? { listen } : {}) })),
      ...config,
    },
  });
  const registry = t.get<PrinterRegistry>(PrinterRegistry);
  const printer = (id: string) => {
    const scope = registry.get(id);
    if (!scope) throw new Error(`no printer ${id}`);
    return scope.printer;
  };
  return {
    t,
    registry,
    printer,
    states: () => Object.fromEntries(registry.list().map((s) => [s.id, s.printer.state.id])),
    async stop() {
      for (const scope of registry.list()) await scope.printer.disconnect().catch(() => undefined);
      await t.stop();
    },
  };
}

export async function waitForState(printer: PrinterService, state: string, timeoutMs = 15_000): Promise<void> {
  await waitFor(() => printer.state.id === state, timeoutMs);
}

/** A G-code file long enough to be seen printing at the test's simulator speed, with a mark in it. */
export function gcodeFile(mark: string, moves = 200): string {
  return [`; ${mark}`, 'G21', 'G90', 'M82', 'G28', 'G1 Z0.2 F600', ...Array.from({ length: moves }, (_, i) => `G1 X${(i % 2) * 50} Y${i % 100} E${i + 1} F3000`), ''].join('\n');
}
