/**
 * The farm page (the web app, ui/) in real headless Chromium with three simulated printers, driven
 * through the page's own controls: a live card per printer; a file uploaded and printed on printer 2 through the form
 * (its card prints and counts down, the others stay Operational, the document never reloads); then
 * printer 2's page, opened from its card, with the chart, its terminal log and its events; printer
 * 3's page at the root of its own listen port (the same relative URLs, another base); cards that come
 * and go with printers added and removed at run time; a card's Connect button.
 * Screenshots for a human: <tmp>/cuttle-farm-page.png, <tmp>/cuttle-farm-printer-page.png.
 */
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser, Page, Request } from 'playwright-core';
import { PrinterRegistry } from '../../core/printers/printer-registry.js';
import { freePort } from '../support/free-port.js';
import type { TestHost } from '../support/host.js';
import { launchChromium, longPrint, openPage, startFarm } from './support.js';
import { jsonHeaders } from '../support/http.js';

const PRINTERS = [
  { id: 'p1', name: 'Left Prusa' },
  { id: 'p2', name: 'Middle Ender' },
  { id: 'p3', name: 'Right Voron' },
];
const printerList = PRINTERS.map(({ id, name }) => [id, name]);
// about 30 s of moves at the simulator's speed factor: still printing when printer 2's page opens
const GCODE = longPrint(600);
const card = (id: string) => `#cards .card[data-printer="${id}"]`;

describe('farm page in Chromium: three printers', function () {
  this.timeout(90000);
  let t: TestHost;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  let listen: number;

  before(async () => {
    listen = await freePort();
    t = await startFarm(PRINTERS.map((p) => (p.id === 'p3' ? { ...p, listen } : p)));
    browser = await launchChromium();
    page = await openPage(browser, errors);
  });
  after(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('shows a card per printer, in order, with its state and temperatures, live', async () => {
    await page.goto(`${t.baseUrl}/?apikey=${t.apiKey}`);
    await page.waitForFunction(`document.querySelector('.conn')?.dataset.status === 'connected'`);
    await page.waitForFunction(`document.querySelectorAll('#cards .card').length === 3`);
    expect(await page.$$eval('#cards .card', (cards) => cards.map((c) => [c.getAttribute('data-printer'), c.querySelector('h2 a')!.textContent]))).to.deep.equal(printerList);
    for (const { id } of PRINTERS) {
      await page.waitForSelector(`${card(id)}[data-state="Operational"]`);
      await page.waitForFunction(`/tool0 \\d+\\.\\d \\/ 0 °C/.test(document.querySelector('${card(id)} .temps').textContent)`, undefined, { timeout: 15000 });
      expect(await page.textContent(`${card(id)} .job`)).to.equal('no job');
    }
    expect(await page.$$eval('#upload-printer option', (options) => options.map((o) => [o.getAttribute('value'), o.textContent]))).to.deep.equal(printerList);
  });

  it('uploads a file and prints it on printer 2 through the form: its card prints and counts down, the others stay Operational', async () => {
    // every state each card shows from now on, and a mark that is gone if the document reloads
    await page.evaluate(`
      window.sameDocument = true;
      window.statesSeen = {};
      for (const c of document.querySelectorAll('#cards .card')) {
        const seen = (window.statesSeen[c.dataset.printer] = [c.dataset.state]);
        new MutationObserver(() => { if (seen[seen.length - 1] !== c.dataset.state) seen.push(c.dataset.state); }).observe(c, { attributes: true, attributeFilter: ['data-state'] });
      }
    `);
    await page.selectOption('#upload-printer', 'p2');
    await page.setInputFiles('#file', { name: 'farm-test.gcode', mimeType: 'text/plain', buffer: Buffer.from(GCODE) });
    const sent: string[] = [];
    const record = (r: Request) => r.method() === 'POST' && sent.push(new URL(r.url()).pathname);
    page.on('request', record);
    // the upload is held until the second submit has been made, so that "on its way" holds on a slow machine too
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/files/local', async (route) => (await held, route.continue()));
    await page.click('#upload-form button');
    // sent again while the first is on its way (Enter after the click): the file goes once, and one print starts
    await page.evaluate(`document.getElementById('upload-form').requestSubmit()`);
    release();
    await page.waitForFunction(`/^printing|failed/.test(document.getElementById('upload-result').textContent)`, undefined, { timeout: 15000 });
    page.off('request', record);
    await page.unroute('**/api/files/local');
    expect(await page.textContent('#upload-result')).to.equal('printing farm-test.gcode on Middle Ender');
    expect(sent).to.deep.equal(['/api/files/local', '/printer/p2/api/files/local/farm-test.gcode']);

    await page.waitForSelector(`${card('p2')}[data-state="Printing"]`, { timeout: 15000 });
    expect(await page.textContent(`${card('p2')} .job`)).to.equal('farm-test.gcode');
    const completion = async () => Number(await page.getAttribute(card('p2'), 'data-completion'));
    await page.waitForFunction(`Number(document.querySelector('${card('p2')}').dataset.completion || 'NaN') > 0`, undefined, { timeout: 15000 });
    const first = await completion();
    await page.waitForFunction(`Number(document.querySelector('${card('p2')}').dataset.completion) > ${first}`, undefined, { timeout: 15000 });
    expect(await completion()).to.be.greaterThan(first).and.below(100);
    // time left in human units, and printer 2's heater target from the file
    await page.waitForFunction(`document.querySelector('${card('p2')}').dataset.timeLeft !== ''`, undefined, { timeout: 15000 });
    expect(await page.textContent(`${card('p2')} .progress`)).to.match(/^\d+\.\d % · (\d+ s|\d+ min \d\d s|\d+ h \d\d min) left$/);
    await page.waitForFunction(`/tool0 \\d+\\.\\d \\/ 210 °C/.test(document.querySelector('${card('p2')} .temps').textContent)`, undefined, { timeout: 15000 });
    await page.screenshot({ path: path.join(os.tmpdir(), 'cuttle-farm-page.png'), fullPage: true });

    const registry = t.get<PrinterRegistry>(PrinterRegistry);
    expect(registry.get('p2')!.printer.snapshot().state.id).to.equal('PRINTING');
    for (const id of ['p1', 'p3']) {
      expect(registry.get(id)!.printer.snapshot().state.id, id).to.equal('OPERATIONAL');
      expect(await page.textContent(`${card(id)} .job`)).to.equal('no job');
      expect(await page.textContent(`${card(id)} .temps`)).to.match(/tool0 \d+\.\d \/ 0 °C/);
    }
    const seen = (await page.evaluate('window.statesSeen')) as Record<string, string[]>;
    expect(seen).to.deep.include({ p1: ['Operational'], p3: ['Operational'] });
    expect(seen['p2']).to.include('Printing');
    expect(await page.evaluate('window.sameDocument')).to.equal(true);
    // printer 2's events reached the farm's log under its name
    await page.waitForFunction(
      `Array.from(document.querySelectorAll('#events li')).some((li) => li.querySelector('.who').textContent === 'Middle Ender' && li.querySelector('.what').textContent === 'PrintStarted' && li.querySelector('.text').textContent === 'print started: farm-test.gcode')`,
      undefined,
      { timeout: 15000 },
    );
  });

  it("opens printer 2's page from its card: the chart, its terminal log and its events", async () => {
    // the job's name dragged over, to copy it: text selected, and the farm stays
    const job = (await page.$(`${card('p2')} .job`))!;
    const box = (await job.boundingBox())!;
    await page.mouse.move(box.x + 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    expect(await page.evaluate('getSelection().toString()')).to.contain('farm-test');
    expect(page.url()).to.equal(`${t.baseUrl}/`);
    expect(await page.getAttribute('html', 'data-view')).to.equal('farm');
    await page.evaluate('getSelection().removeAllRanges()');
    await Promise.all([page.waitForURL(`${t.baseUrl}/printer/p2/`), page.click(`${card('p2')} .job`)]);
    expect(await page.getAttribute('html', 'data-view')).to.equal('printer');
    await page.waitForFunction(`document.querySelector('.conn')?.dataset.status === 'connected'`, undefined, { timeout: 15000 });
    await page.waitForFunction(`document.querySelector('.crumb')?.textContent === 'Middle Ender'`);
    expect(await page.isVisible('#cards')).to.equal(false);
    await page.waitForFunction(`document.getElementById('state').textContent === 'Printing'`, undefined, { timeout: 15000 });
    expect(await page.textContent('#job')).to.equal('farm-test.gcode');
    // the chart has points to draw
    expect(await page.isVisible('#chart')).to.equal(true);
    await page.waitForFunction(`Number(document.getElementById('chart').dataset.points) >= 2`, undefined, { timeout: 15000 });
    // the terminal is printer 2's: the file's moves go out on it (the others print nothing), new lines keep coming
    await page.waitForFunction(`Array.from(document.querySelectorAll('#terminal li')).some((li) => /^>>> (N\\d+ )?G1 X1[02]0 Y10\\d F1200/.test(li.textContent))`, undefined, { timeout: 15000 });
    const lines = Number(await page.textContent('#terminal-count'));
    await page.waitForFunction(`Number(document.getElementById('terminal-count').textContent) > ${lines}`, undefined, { timeout: 15000 });
    expect(await page.$$eval('#terminal li', (items) => items.every((li) => /^(>>>|<<<) /.test(li.textContent ?? '')))).to.equal(true);
    // its events: the print's progress, from printer 2 (the page's own socket carries no other printer's)
    await page.waitForFunction(`Array.from(document.querySelectorAll('#events li')).some((li) => /PrintProgress/.test(li.querySelector('.what').textContent) && /farm-test.gcode/.test(li.textContent))`, undefined, {
      timeout: 15000,
    });
    await page.screenshot({ path: path.join(os.tmpdir(), 'cuttle-farm-printer-page.png'), fullPage: true });
    expect(errors).to.deep.equal([]);
  });

  it("serves printer 3's page at the root of its own listen port, live, with a way back to the farm", async () => {
    const own = await openPage(browser, errors);
    await own.goto(`http://127.0.0.1:${listen}/?apikey=${t.apiKey}`);
    expect(await own.getAttribute('html', 'data-view')).to.equal('printer');
    await own.waitForFunction(`document.querySelector('.conn')?.dataset.status === 'connected'`, undefined, { timeout: 15000 });
    await own.waitForFunction(`document.querySelector('.crumb')?.textContent === 'Right Voron'`);
    expect(await own.textContent('#state')).to.equal('Operational');
    await own.waitForFunction(`Number(document.getElementById('chart').dataset.points) >= 2`, undefined, { timeout: 15000 });
    // printer 3 is idle: its terminal has the temperature reports, none of printer 2's moves
    await own.waitForFunction(`Array.from(document.querySelectorAll('#terminal li')).some((li) => /^<<< .*T:\\d/.test(li.textContent))`, undefined, { timeout: 15000 });
    expect(await own.$$eval('#terminal li', (items) => items.some((li) => /G1 X1[02]0/.test(li.textContent ?? '')))).to.equal(false);
    expect(await own.getAttribute('.brand', 'href')).to.equal(`${t.baseUrl}/`);
    expect(errors).to.deep.equal([]);
  });

  it('adds and drops a card live when a printer is added and removed at run time', async () => {
    const farm = await openPage(browser, errors);
    await farm.goto(`${t.baseUrl}/?apikey=${t.apiKey}`);
    await farm.waitForFunction(`document.querySelectorAll('#cards .card').length === 3`, undefined, { timeout: 15000 });
    await farm.evaluate('window.sameDocument = true');
    const rest = (method: string, url: string, body?: unknown) =>
      fetch(`${t.baseUrl}${url}`, { method, headers: jsonHeaders(t.apiKey), body: body === undefined ? undefined : JSON.stringify(body) });
    expect((await rest('POST', '/api/printers', { id: 'p4', name: 'Spare Mini', connection: { port: 'virtual' } })).status).to.equal(201);
    await farm.waitForSelector(`${card('p4')}[data-state]`, { timeout: 15000 });
    expect(await farm.textContent(`${card('p4')} h2 a`)).to.equal('Spare Mini');
    expect(await farm.$$eval('#upload-printer option', (options) => options.map((o) => o.getAttribute('value')))).to.deep.equal(['p1', 'p2', 'p3', 'p4']);
    expect((await rest('DELETE', '/api/printers/p4')).status).to.equal(204);
    await farm.waitForFunction(`!document.querySelector('${card('p4')}') && document.querySelectorAll('#cards .card').length === 3`, undefined, { timeout: 15000 });
    expect(await farm.evaluate('window.sameDocument')).to.equal(true);
    expect(errors).to.deep.equal([]);
  });

  it("connects a disconnected printer from its card's Connect button", async () => {
    const farm = await openPage(browser, errors);
    await farm.goto(`${t.baseUrl}/?apikey=${t.apiKey}`);
    await farm.waitForSelector(`${card('p3')}[data-state="Operational"]`, { timeout: 15000 });
    expect(await farm.isVisible(`${card('p3')} button.connect`)).to.equal(false);
    const disconnect = await fetch(`${t.baseUrl}/printer/p3/api/connection`, {
      method: 'POST',
      headers: jsonHeaders(t.apiKey),
      body: JSON.stringify({ command: 'disconnect' }),
    });
    expect(disconnect.status).to.equal(204);
    await farm.waitForSelector(`${card('p3')}[data-kind="offline"] button.connect`, { state: 'visible', timeout: 15000 });
    expect(await farm.getAttribute(card('p1'), 'data-state')).to.equal('Operational');
    await farm.click(`${card('p3')} button.connect`);
    await farm.waitForSelector(`${card('p3')}[data-state="Operational"]`, { timeout: 15000 });
    expect(await farm.isVisible(`${card('p3')} button.connect`)).to.equal(false);
    // the button acted, the card did not open the printer's page
    expect(farm.url()).to.equal(`${t.baseUrl}/`);
    expect(errors).to.deep.equal([]);
  });
});
