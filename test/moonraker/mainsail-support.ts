/**
 * The real Mainsail (../shared/clients/mainsail, built unmodified) in headless Chromium against a
 * printer's listen port: its files served by the test with its own config.json naming that port;
 * the port lets the test's network in (`moonraker.trustedClients`, as Moonraker deployments do) and
 * answers Mainsail's origin across origins (`server.cors`, as Moonraker's cors_domains). The page's
 * script errors and failed requests are collected. Resolves once Mainsail is past its connecting
 * dialog (its temperature inputs are shown).
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../farm-page/support.js';
import { needsTool } from '../support/tools.js';
import { serveClient } from './serve-client.js';
import { startMoonrakerHost, type MoonrakerHost } from './support.js';

const MAINSAIL = path.resolve(__dirname, '../../../../shared/clients/mainsail/dist');

export interface MainsailSession {
  h: MoonrakerHost;
  page: Page;
  /** script errors and failed requests of the page */
  errors: string[];
  /** the config.json served (read at each request: a page opened later sees a change) and Mainsail's origin */
  config: Record<string, unknown>;
  origin: string;
  stop(): Promise<void>;
}

/** In a `before`: skips (or fails in CI) without Chromium or Mainsail's build. */
export async function openMainsail(context: Mocha.Context): Promise<MainsailSession> {
  needsTool(context, 'chromium');
  if (!fs.existsSync(path.join(MAINSAIL, 'index.html'))) {
    if (process.env['CI']) throw new Error(`Mainsail's build is missing at ${MAINSAIL}`);
    context.skip();
  }
  const config: Record<string, unknown> = { hostname: '127.0.0.1', path: '', instancesDB: 'moonraker', defaultLocale: 'en', defaultMode: 'dark', defaultTheme: 'mainsail', instances: [] };
  const web = await serveClient(MAINSAIL, config);
  const origin = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
  let h: MoonrakerHost | undefined;
  let browser: Browser | undefined;
  const stop = async () => {
    await browser?.close();
    await new Promise((resolve) => web.close(resolve));
    await h?.stop();
  };
  try {
    h = await startMoonrakerHost(['p1'], { moonraker: { trustedClients: ['127.0.0.1/32'] }, server: { cors: { enabled: true, origins: [origin] } } });
    config['port'] = h.ports['p1'];
    const [launched] = await Promise.all([launchChromium(), h.printer('p1').connect()]);
    browser = launched;
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' })).newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('requestfailed', (req) => errors.push(`request failed: ${req.url()} ${req.failure()?.errorText}`));
    await page.goto(`${origin}/`);
    await page.locator('._temp-input input').first().waitFor({ state: 'visible', timeout: 15_000 });
    return { h, page, errors, config, origin, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Opens Mainsail before the describe's tests and stops it after; the session while they run. */
export function useMainsail(): () => MainsailSession {
  let session: MainsailSession | undefined;
  before(async function () {
    session = await openMainsail(this);
  });
  after(async () => {
    await session?.stop();
  });
  return () => session!;
}
