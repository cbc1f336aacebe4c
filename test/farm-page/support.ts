/** The farm page tests' host and browser: simulated printers whose prints move, headless Chromium as the clients test launches it. */
import { chromium, type Browser, type Page } from 'playwright-core';
import { PrinterRegistry } from '../../core/printers/printer-registry.js';
import type { PrinterEntry } from '../../core/printer/printer-identity.js';
import { startTestHost, type TestHost } from '../support/host.js';
import { waitFor } from '../support/wait.js';

export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS });
}

/** A page that logs its script errors into `errors` (the page's CSP forbids the eval the waits use, hence bypassCSP). */
export async function openPage(browser: Browser, errors: string[]): Promise<Page> {
  const page = await (await browser.newContext({ bypassCSP: true })).newPage();
  page.on('pageerror', (err) => errors.push(err.message));
  return page;
}

export type FarmPrinter = Pick<PrinterEntry, 'id' | 'name'> & { listen?: number };

/** A host with these simulated printers, connected at start, temperatures every second, moves 20 times faster. */
export async function startFarm(printers: FarmPrinter[]): Promise<TestHost> {
  const t = await startTestHost({
    config: {
      printers: printers.map((p) => ({ ...p, connection: { port: 'virtual', autoconnect: true } })),
      serial: { temperatureInterval: 1, virtual: { speedFactor: 20 } },
      push: { rateHz: 4 },
    },
  });
  const registry = t.get<PrinterRegistry>(PrinterRegistry);
  await waitFor(() => registry.list().length === printers.length && registry.list().every((s) => s.printer.snapshot().state.id === 'OPERATIONAL'), 20000, 'every printer operational');
  return t;
}

/** G-code with a heater target and `moves` 20 mm moves at 20 mm/s: one second each on a real printer. */
/** As longPrint, extruding, in layers of 50 moves 0.2 mm apart (what a layer preview draws). */
export function layeredPrint(moves: number): string {
  const lines = Array.from({ length: moves }, (_, i) => [...(i % 50 === 0 ? [`G1 Z${((i / 50 + 1) * 0.2).toFixed(1)} F600`] : []), `G1 X${i % 2 ? 120 : 100} Y${100 + (i % 7)} E${((i + 1) * 0.05).toFixed(2)} F1200`]);
  return ['M104 S210', 'G28', 'G90', 'M82', 'G92 E0', ...lines.flat(), 'M104 S0', ''].join('\n');
}

export function longPrint(moves: number): string {
  return ['M104 S210', 'G28', 'G90', ...Array.from({ length: moves }, (_, i) => `G1 X${i % 2 ? 120 : 100} Y${100 + (i % 7)} F1200`), 'M104 S0', ''].join('\n');
}
