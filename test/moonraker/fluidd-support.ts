/**
 * The real Fluidd, built unmodified from its source outside the repository (README: "Clients"), in
 * headless Chromium against a printer's listen port or against `/printer/<id>/` on the main port:
 * its files served by the test with a `config.json` whose one endpoint is that Moonraker. The build
 * is found at $CUTTLE_FLUIDD_DIST; it is too large to commit and CI cannot build it (its source is
 * not on the npm registry), so this is a local check run by hand (fluidd.browser.ts), not a suite file.
 * Resolves once Fluidd is past its start-up (its dashboard's temperature table is shown).
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../farm-page/support.js';
import { serveClient } from './serve-client.js';
import { startMoonrakerHost, type MoonrakerHost } from './support.js';

export interface FluiddSession {
  h: MoonrakerHost;
  page: Page;
  /** script errors and failed requests of the page */
  errors: string[];
  /** the JSON-RPC methods Fluidd called, in order */
  called: string[];
  stop(): Promise<void>;
}

/** Fluidd's dist folder, or an error saying how to get one. */
export function fluiddDist(): string {
  const dir = process.env['CUTTLE_FLUIDD_DIST'];
  if (!dir || !fs.existsSync(path.join(dir, 'index.html'))) throw new Error('set CUTTLE_FLUIDD_DIST to a built Fluidd (core/moonraker/README.md, "Clients")');
  return path.resolve(dir);
}

/**
 * `where`: 'listen' (the printer's own port) or 'prefix' (`/printer/p1/` on the main port). `trusted`
 * lets the test's network in (`moonraker.trustedClients`); without it Fluidd must sign in, and the
 * session resolves once the page has loaded (`ready` says what to wait for).
 */
export async function openFluidd(where: 'listen' | 'prefix', trusted = true): Promise<FluiddSession> {
  const dist = fluiddDist();
  const config: Record<string, unknown> = { ...JSON.parse(fs.readFileSync(path.join(dist, 'config.json'), 'utf8')), blacklist: [] };
  const web = await serveClient(dist, config);
  const origin = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
  let h: MoonrakerHost | undefined;
  let browser: Browser | undefined;
  const stop = async () => {
    await browser?.close();
    await new Promise((resolve) => web.close(resolve));
    await h?.stop();
  };
  try {
    h = await startMoonrakerHost(['p1'], { moonraker: { trustedClients: trusted ? ['127.0.0.1/32'] : [] }, server: { cors: { enabled: true, origins: [origin] } } });
    config['endpoints'] = [where === 'listen' ? `http://127.0.0.1:${h.ports['p1']}` : `${h.t.baseUrl}/printer/p1`];
    const [launched] = await Promise.all([launchChromium(), h.printer('p1').connect()]);
    browser = launched;
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' })).newPage();
    const errors: string[] = [];
    const called: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('requestfailed', (req) => errors.push(`request failed: ${req.url()} ${req.failure()?.errorText}`));
    const methods = new Map<unknown, string>();
    page.on('websocket', (ws) => {
      ws.on('framesent', (frame) => {
        const sent = JSON.parse(String(frame.payload)) as { method?: string; id?: unknown } | { method?: string; id?: unknown }[];
        for (const m of Array.isArray(sent) ? sent : [sent]) if (m.method) called.push(m.method), methods.set(m.id, m.method);
      });
      // an error answer is one the client will show or trip on
      ws.on('framereceived', (frame) => {
        const got = JSON.parse(String(frame.payload)) as { id?: unknown; error?: { code: number; message: string } } | { id?: unknown; error?: { code: number; message: string } }[];
        for (const m of Array.isArray(got) ? got : [got]) if (m.error) errors.push(`${methods.get(m.id)}: ${m.error.code} ${m.error.message}`);
      });
    });
    await page.goto(`${origin}/`);
    if (trusted) await page.locator('.v-main').getByText(/extruder/i).first().waitFor({ state: 'visible', timeout: 20_000 });
    return { h, page, errors, called, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
