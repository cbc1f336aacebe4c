/**
 * Hosts for the printer-registry tests: one started in this process from a config.yaml written as
 * text (so a test can check that saves keep the user's comments), and the fast simulator settings.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { CuttleHost } from '../../core/host.js';
import { HttpServer } from '../../core/server/http-server.js';
import { checkPrinterEntries, type PrinterEntry } from '../../core/settings/schema/printers.js';
import { fastSerial } from '../printer/helpers.js';
import { captureLogs, TEST_API_KEY, type TestHost } from '../support/host.js';

/** The simulator settings of test/printer/helpers.ts's fastSerial(), as YAML lines. */
export const FAST_SERIAL_YAML = `serial:
  port: virtual
  temperatureInterval: 0
  timeout: { connection: 3000, hello: 200, communication: 2000, maxNudges: 3 }
  virtual: { speedFactor: 100, motion: false }
`;

/** Starts a host on a fresh basedir whose config.yaml is exactly `configText` (plus the test key). */
export async function startHostFromText(configText: string): Promise<TestHost> {
  const basedir = mkdtempSync(path.join(os.tmpdir(), 'cuttle-printers-'));
  writeFileSync(path.join(basedir, 'config.yaml'), `api:\n  key: ${TEST_API_KEY}\n${configText}`);
  const { stream, logs } = captureLogs();
  const host = CuttleHost.create({ basedir, overrides: { 'server.port': 0, 'server.host': '127.0.0.1' }, env: {}, logStream: stream });
  try {
    await host.start();
  } catch (err) {
    rmSync(basedir, { recursive: true, force: true });
    throw err;
  }
  const http = host.get<HttpServer>(HttpServer);
  return {
    host,
    basedir,
    get baseUrl() {
      return http.baseUrl();
    },
    apiKey: TEST_API_KEY,
    logs,
    get: <T>(token: symbol) => host.get<T>(token),
    async stop() {
      await host.stop();
      rmSync(basedir, { recursive: true, force: true });
    },
  };
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
