/**
 * The real Mainsail (../shared/clients/mainsail, built unmodified) in headless Chromium against a
 * printer's listen port: the test serves Mainsail's files with its own config.json naming that port,
 * the port lets the test's network in (`moonraker.trustedClients`, as Moonraker deployments do) and
 * answers Mainsail's origin across origins (`server.cors`, as Moonraker's cors_domains).
 * Mainsail gets past its connecting dialog, shows the extruder's temperature, and a target typed
 * into its temperature panel reaches the simulator as M104.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../farm-page/support.js';
import { needsTool } from '../support/tools.js';
import { waitFor } from '../support/wait.js';
import { startMoonrakerHost, type MoonrakerHost } from './support.js';

const MAINSAIL = path.resolve(__dirname, '../../../../shared/clients/mainsail/dist');

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'application/javascript', '.css': 'text/css', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.woff2': 'font/woff2', '.woff': 'font/woff', '.webmanifest': 'application/manifest+json' };

/** Mainsail's dist as static files, `config.json` replaced by one naming the Moonraker to use. */
function serveMainsail(config: Record<string, unknown>): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const url = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    if (url === '/config.json') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(config));
      return;
    }
    const file = path.join(MAINSAIL, path.normalize(url).replace(/^(\.\.[/\\])+/, ''));
    const target = file.startsWith(MAINSAIL) && fs.existsSync(file) && fs.statSync(file).isFile() ? file : path.join(MAINSAIL, 'index.html');
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(target)] ?? 'application/octet-stream' });
    fs.createReadStream(target).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('moonraker: Mainsail in Chromium', function () {
  this.timeout(20_000);
  let h: MoonrakerHost;
  let web: http.Server;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  before(async function () {
    needsTool(this, 'chromium');
    if (!fs.existsSync(path.join(MAINSAIL, 'index.html'))) {
      if (process.env['CI']) throw new Error(`Mainsail's build is missing at ${MAINSAIL}`);
      this.skip();
    }
    const config: Record<string, unknown> = { hostname: '127.0.0.1', path: '', instancesDB: 'moonraker', defaultLocale: 'en', defaultMode: 'dark', defaultTheme: 'mainsail', instances: [] };
    web = await serveMainsail(config);
    // Mainsail's origin is not the printer's: its fetches (theme files) need CORS, as with Moonraker's cors_domains
    const origin = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
    h = await startMoonrakerHost(['p1'], { moonraker: { trustedClients: ['127.0.0.1/32'] }, server: { cors: { enabled: true, origins: [origin] } } });
    config['port'] = h.ports['p1'];
    await h.printer('p1').connect();
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 }, serviceWorkers: 'block' })).newPage();
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('requestfailed', (req) => errors.push(`request failed: ${req.url()} ${req.failure()?.errorText}`));
    await page.goto(`${origin}/`);
  });
  after(async () => {
    await browser?.close();
    await new Promise((resolve) => (web ? web.close(resolve) : resolve(undefined)));
    await h?.stop();
  });

  it('gets past the connecting dialog and shows the extruder’s temperature', async () => {
    await page.locator('._temp-input input').first().waitFor({ state: 'visible', timeout: 15_000 });
    expect(await page.locator('.the-connection-dialog').isVisible()).to.equal(false);
    const row = page.locator('tr', { hasText: /extruder/i }).first();
    await waitFor(async () => /\d+(\.\d)?\s*°C/.test(await row.locator('td.current').innerText()), 10_000, 'the extruder’s temperature shown');
  });

  it('sets a target from the temperature panel: the simulator executes M104', async () => {
    const input = page.locator('tr', { hasText: /extruder/i }).first().locator('._temp-input input');
    await input.fill('55');
    await input.press('Enter');
    await waitFor(() => h.executed('p1').some((c) => /^M104\b.*S55\b/.test(c)), 5000, 'M104 S55 executed');
    expect(errors, errors.join('\n')).to.deep.equal([]);
  });
});
