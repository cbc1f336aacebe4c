/**
 * Hosts for the printer-registry tests: one started in this process from a config.yaml written as
 * text (so a test can check that saves keep the user's comments), and the fast simulator settings.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { PrinterEntry } from '../../core/printer/printer-identity.js';
import { checkPrinterEntries } from '../../core/printers/settings.js';
import { fastSerial } from '../printer/helpers.js';
import { startTestHost, type TestHost } from '../support/host.js';

/** The simulator settings of test/printer/helpers.ts's fastSerial(), as YAML lines. */
export const FAST_SERIAL_YAML = `serial:
  port: virtual
  temperatureInterval: 0
  timeout: { connection: 3000, hello: 200, communication: 2000, maxNudges: 3 }
  virtual: { speedFactor: 100, motion: false }
`;

/** Starts a host on a fresh basedir whose config.yaml is exactly `text` (after the test key), comments included. */
export function startHostFromText(text: string): Promise<TestHost> {
  return startTestHost({ configText: text });
}

export function configText(basedir: string): string {
  return readFileSync(path.join(basedir, 'config.yaml'), 'utf8');
}

/** The `printers:` list of a basedir's config.yaml, checked as the host checks it at start. */
export function savedPrinters(basedir: string): PrinterEntry[] {
  const printers = ((YAML.parse(configText(basedir)) ?? {}) as { printers?: unknown }).printers ?? [];
  checkPrinterEntries(printers);
  return printers as PrinterEntry[];
}

/** Two printers on the simulator: p1 connected at start, p2 not (with an own port when `listen` is given). */
export function twoPrinters(listen?: number): Record<string, unknown> {
  return {
    ...fastSerial(),
    printers: [
      { id: 'p1', name: 'Left Prusa', connection: { port: 'virtual', autoconnect: true } },
      { id: 'p2', name: 'Right Ender', connection: { port: 'virtual', autoconnect: false }, ...(listen ? { listen } : {}) },
    ],
  };
}
