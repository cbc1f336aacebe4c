/**
 * After the host restarts, the open pages reconnect and go on without a reload: `cuttle serve` as
 * its own process, stopped (the pages say the host is unreachable) and started again on the same
 * port and basedir; the farm's cards and a printer's page are live again, and new events arrive; a
 * plugin enabled across the restart shows its panel; a target on its way as the host went is refused
 * at its panel and set once it is back. While the host is away the controls are paused, saying so,
 * with what was typed kept; they work again once it is back.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser, Page, Route } from 'playwright-core';
import { spawnHost, type HostProcess } from '../api/support.js';
import { freePort } from '../support/free-port.js';
import { waitFor } from '../support/wait.js';
import { TEST_API_KEY, writeConfig } from '../support/host.js';
import { launchChromium, openWatchedPage, seriousViolations, type WatchedPage } from './support.js';

describe('web app: the host restarts under an open page', function () {
  this.timeout(60000);
  const basedir = fs.mkdtempSync(path.join(os.tmpdir(), 'cuttle-ui-restart-'));
  let browser: Browser;
  let host: HostProcess | undefined;
  let port: number;
  let farm: WatchedPage;
  let printer: WatchedPage;
  const serve = () => spawnHost(basedir, ['--port', String(port)]);
  const config = {
    api: { key: TEST_API_KEY },
    printers: [{ id: 'p1', name: 'Garage Prusa', connection: { port: 'virtual', autoconnect: true } }],
    serial: { temperatureInterval: 1 },
  };

  before(async () => {
    port = await freePort();
    // the bundled MQTT plugin (a farm panel) is off until the restart
    writeConfig(basedir, { ...config, plugins: { disabled: ['mqtt'] } });
    [host, browser] = await Promise.all([serve(), launchChromium()]);
  });
  after(async () => {
    await browser?.close();
    await host?.stop();
    fs.rmSync(basedir, { recursive: true, force: true });
  });

  it('both pages are live before the restart', async () => {
    [farm, printer] = await Promise.all([openWatchedPage(browser), openWatchedPage(browser)]);
    await farm.page.goto(`${host!.baseUrl}/?apikey=${TEST_API_KEY}`);
    await printer.page.goto(`${host!.baseUrl}/printer/p1/?apikey=${TEST_API_KEY}`);
    await farm.page.waitForSelector('#cards .card[data-printer="p1"][data-state="Operational"]', { timeout: 15000 });
    await printer.page.waitForSelector('#state:text-is("Operational")', { timeout: 15000 });
    expect(await farm.page.$('section[data-panel="mqtt/status"]')).to.equal(null);
    for (const { page } of [farm, printer]) await page.evaluate('window.sameDocument = true');
  });

  it('says the host is unreachable while it is down, and resumes without a reload when it is back', async () => {
    // a target set just as the host goes: its request is on its way (held here) when the host stops
    const target = 'tr[data-heater="tool0"] input';
    const held = new Promise<Route>((resolve) => void printer.page.route('**/api/printer/tool', resolve));
    await printer.page.fill(target, '205');
    await printer.page.press(target, 'Enter');
    const request = await held;
    await host!.stop();
    host = undefined;
    for (const { page } of [farm, printer]) await page.waitForSelector('.conn[data-status="reconnecting"]', { timeout: 15000 });
    // the state shown is the last the host said, and says so
    await printer.page.waitForSelector('#state-stale:text-is("(last known)")');
    // the target is refused where it was set, and what was typed stays to set again
    await request.continue().catch(() => undefined);
    await printer.page.unroute('**/api/printer/tool');
    await printer.page.waitForSelector('section[aria-labelledby="temps-h"] .notice:has-text("the host cannot be reached")');
    expect(await printer.page.inputValue(target)).to.equal('205');
    writeConfig(basedir, config);
    host = await serve();
    for (const { page } of [farm, printer]) await page.waitForSelector('.conn[data-status="connected"]', { timeout: 20000 });
    await farm.page.waitForSelector('#cards .card[data-printer="p1"][data-state="Operational"]', { timeout: 15000 });
    await printer.page.waitForSelector('#state:text-is("Operational")', { timeout: 15000 });
    expect(await printer.page.$('#state-stale')).to.equal(null);
    // "cannot be reached" is old news once the page is live again: it goes by itself
    await printer.page.waitForSelector('section[aria-labelledby="temps-h"] .notice', { state: 'detached' });
    await printer.page.press(target, 'Enter');
    await printer.page.waitForSelector('#temps tr[data-heater="tool0"] .target:text-is("205 °C")', { timeout: 15000 });
    // the plugin started with the host, before the page was back: the page lists the panels again
    await farm.page.waitForSelector('section[data-panel="mqtt/status"]', { timeout: 15000 });
    // the streams are live: an upload now shows in both pages' events
    const form = new FormData();
    form.append('file', new Blob(['G28\n']), 'after-restart.gcode');
    const upload = await fetch(`${host.baseUrl}/api/files/local`, { method: 'POST', headers: { 'X-Api-Key': TEST_API_KEY }, body: form });
    expect(upload.status).to.equal(201);
    for (const { page } of [farm, printer]) {
      await page.waitForSelector('#events li .text:text-is("uploaded after-restart.gcode")', { timeout: 15000 });
      expect(await page.evaluate('window.sameDocument')).to.equal(true);
    }
    // a page left the terminal's history as it was and goes on counting
    expect(Number(await printer.page.textContent('#terminal-count'))).to.be.above(0);
    expect([...farm.errors, ...printer.errors].filter((e) => !/Failed to load resource: net::ERR_|WebSocket connection/.test(e))).to.deep.equal([]);
  });

  it('pauses the controls while the host is away, with the reason, keeps what was typed, and they work again when it is back', async () => {
    const terminal = '#terminal-input';
    await printer.page.fill(terminal, 'M115');
    await printer.page.waitForSelector('#file-list tr[data-path="after-restart.gcode"] [data-action="print"]:enabled');
    await host!.stop();
    host = undefined;
    /** the view's buttons and fields that can still be used (none while the host is away) */
    const usable = (page: Page) => page.$$eval('main button:enabled, main input:enabled, main select:enabled, main textarea:enabled', (els) => els.map((e) => e.outerHTML.slice(0, 80)));
    for (const { page } of [farm, printer]) {
      await page.waitForSelector('.conn[data-status="reconnecting"]', { timeout: 15000 });
      // said where it is seen, and announced (role=alert) to a screen reader
      await page.waitForSelector('main .away[role="alert"]:has-text("controls are paused")');
      expect(await usable(page)).to.deep.equal([]);
    }
    // among them the printer page's job, temperature, jog, terminal and file controls
    for (const control of ['#print', 'tr[data-heater="tool0"] button:text-is("Set")', 'tr[data-heater="tool0"] button:text-is("Off")', '[data-jog="x+"]', 'form:has(#terminal-input) button[type="submit"]', '#file-list tr[data-path="after-restart.gcode"] [data-action="delete"]']) {
      expect(await printer.page.isDisabled(control), control).to.equal(true);
    }
    expect(await printer.page.inputValue(terminal)).to.equal('M115');
    // axe takes all in a disabled fieldset for out of the Tab order; HTML disables only its form controls,
    // and the terminal's scrolling output keeps its Tab stop, checked here in the browser itself
    const terminalTabStop = /^scrollable-region-focusable .* at #terminal$/;
    expect((await seriousViolations(printer.page)).filter((v) => !terminalTabStop.test(v)), 'printer view, paused').to.deep.equal([]);
    await printer.page.focus('#terminal');
    expect(await printer.page.evaluate('document.activeElement?.id')).to.equal('terminal');
    await printer.page.evaluate('document.activeElement.blur()');
    writeConfig(basedir, config);
    host = await serve();
    for (const { page } of [farm, printer]) {
      await page.waitForSelector('.conn[data-status="connected"]', { timeout: 20000 });
      await page.waitForSelector('main .away', { state: 'detached' });
    }
    await printer.page.waitForSelector('#state:text-is("Operational")', { timeout: 15000 });
    await printer.page.waitForSelector('[data-jog="x+"]:enabled');
    expect(await usable(farm.page)).to.not.deep.equal([]);
    // the command typed before is still there, and the field has the focus again; sent, the simulator answers it
    // (once more than the host's own M115 on connecting)
    expect(await printer.page.inputValue(terminal)).to.equal('M115');
    expect(await printer.page.evaluate('document.activeElement?.id')).to.equal('terminal-input');
    const answers = () => printer.page.$$eval('#terminal li', (lines) => lines.filter((l) => /FIRMWARE_NAME/.test(l.textContent ?? '')).length);
    const before = await answers();
    await printer.page.click('form:has(#terminal-input) button[type="submit"]');
    await waitFor(async () => (await answers()) > before, { timeoutMs: 15000, intervalMs: 100, what: 'the simulator answering the M115 typed while the host was away' });
  });
});
