/**
 * The web app on a single-printer host in real headless Chromium: it asks to sign in and connects
 * with a key; the printer's page (/printer/default/) shows a print's progress in human units (elapsed,
 * time left from the analysis, Z from the tracker) and readable events; application-key requests are
 * granted from the farm. Screenshots for a human to look at: <tmp>/cuttle-status-page-key.png (key
 * refused), <tmp>/cuttle-status-page.png (the printer's page mid-print).
 */
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { AuthManager } from '../../core/auth/api.js';
import { startTestHost, type TestHost } from '../support/host.js';
import { launchChromium } from '../farm-page/support.js';
import { pushClient } from './support.js';
import { keyHeaders } from '../support/http.js';
import { waitFor } from '../support/wait.js';

const GCODE = ['G28', ...Array.from({ length: 1500 }, (_, i) => `G1 X${i % 100} Y${(i * 7) % 100} Z${(i / 300).toFixed(2)} E${i / 10} F1200`), 'M84', ''].join('\n');

describe('farm page of one printer in Chromium', function () {
  this.timeout(60000);
  let t: TestHost;
  let browser: Browser;

  before(async () => {
    t = await startTestHost({ config: { push: { rateHz: 4 } }, overrides: { 'serial.port': 'virtual' } });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('serves the page without a key, asks to sign in, and says so when a key is refused', async () => {
    const page = await (await browser.newContext({ bypassCSP: true })).newPage();
    const response = await page.goto(`${t.baseUrl}/`);
    expect(response?.status()).to.equal(200);
    await page.waitForSelector('#signin-title');
    expect(await page.textContent('#signin-title')).to.equal('Sign in to cuttle');
    expect(await page.isVisible('.conn')).to.equal(false);
    expect(await page.evaluate('document.activeElement && document.activeElement.getAttribute("name")')).to.equal('user');
    await page.click('text=Use an API key');
    await page.fill('input[name=key]', 'wrong-key');
    await page.click('button[type=submit]');
    await page.waitForSelector('.notice');
    expect(await page.textContent('.notice')).to.equal('The host refused this API key.');
    expect(await page.isVisible('#events')).to.equal(false);
    // nothing kept of a refused key
    expect(await page.evaluate('[sessionStorage.length, localStorage.length]')).to.deep.equal([0, 0]);
    await page.screenshot({ path: path.join(os.tmpdir(), 'cuttle-status-page-key.png') });
    // a right key takes the notice away
    await page.fill('input[name=key]', t.apiKey);
    await page.click('button[type=submit]');
    await page.waitForFunction(`document.querySelector('.conn')?.dataset.status === 'connected'`);
    expect(await page.isVisible('.notice')).to.equal(false);
    // kept for this tab only: no "remember me"
    expect(await page.evaluate('[sessionStorage.getItem("cuttle.apikey"), localStorage.length]')).to.deep.equal([t.apiKey, 0]);
    // the farm of a host without printers: in config.yaml: the one printer, default
    await page.waitForSelector('#cards .card[data-printer="default"]');
    expect(await page.$$eval('#cards .card', (cards) => cards.map((c) => c.querySelector('h2 a')?.getAttribute('href')))).to.deep.equal(['printer/default/']);
    // the printer's page refuses a wrong key the same way (its passive login answers 403)
    const other = await (await browser.newContext({ bypassCSP: true })).newPage();
    await other.goto(`${t.baseUrl}/printer/default/?apikey=wrong-key`);
    await other.waitForSelector('.notice');
    expect(await other.textContent('.notice')).to.equal('The host refused this API key.');
    expect(await other.isVisible('#terminal')).to.equal(false);
    // the key is taken out of the address bar
    expect(other.url()).to.equal(`${t.baseUrl}/printer/default/`);
  });

  it("the printer's page connects with the key, shows state, temperatures, a moving progress and the live events", async () => {
    const page = await (await browser.newContext({ bypassCSP: true })).newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(`${t.baseUrl}/printer/default/?apikey=${t.apiKey}`);
    await page.waitForFunction(`document.querySelector('.conn')?.dataset.status === 'connected'`);
    await page.waitForSelector('#state');
    // the page's button asks the REST API to connect (config serial.port: virtual, the simulator)
    await page.click('#connect-printer');
    await page.waitForFunction(`document.getElementById('state').textContent === 'Operational'`, undefined, { timeout: 15000 });
    // upload through the files panel, then Print on its row
    await page.setInputFiles('#upload-input', { name: 'browser-test.gcode', mimeType: 'text/plain', buffer: Buffer.from(GCODE) });
    await page.waitForFunction(`/^uploaded|failed/.test(document.getElementById('upload-status').textContent)`, undefined, { timeout: 15000 });
    expect(await page.textContent('#upload-status')).to.equal('uploaded browser-test.gcode');
    await page.click('#file-list tr[data-path="browser-test.gcode"] button[data-action="print"]');
    await page.waitForFunction(`document.getElementById('state').textContent === 'Printing'`, undefined, { timeout: 15000 });

    // progress moving: two different completion values below 100, then the event log fills
    const readCompletion = () => page.getAttribute('#completion', 'data-value');
    await page.waitForFunction(`Number(document.getElementById('completion').dataset.value || 'NaN') > 0`, undefined, { timeout: 15000 });
    const first = Number(await readCompletion());
    await page.waitForFunction(`Number(document.getElementById('completion').dataset.value) > ${first}`, undefined, { timeout: 15000 });
    const second = Number(await readCompletion());
    expect(second).to.be.greaterThan(first);
    expect(await page.textContent('#job')).to.equal('browser-test.gcode');
    await page.waitForFunction(`/tool0/.test(document.getElementById('temps').textContent)`, undefined, { timeout: 10000 });
    await page.waitForFunction(`/Upload|FileAdded/.test(document.getElementById('events').textContent)`, undefined, { timeout: 10000 });
    expect(Number(await page.textContent('#event-count'))).to.be.greaterThan(0);

    // human units: no raw floats anywhere in the printer card
    await page.waitForFunction(`document.getElementById('time-left').dataset.seconds !== ''`, undefined, { timeout: 15000 });
    const card = await page.textContent('#printer');
    expect(card, card ?? '').not.to.match(/\d\.\d{3,}/);
    expect(await page.textContent('#elapsed')).to.match(/^\d+ s$|^\d+ min \d\d s$/);
    expect(await page.textContent('#time-left')).to.match(/^(\d+ s|\d+ min \d\d s|\d+ h \d\d min) \((from the file analysis|analysis and progress|from progress|linear)\)$/);
    // Z from the tracker, in mm, above the bed while printing
    await page.waitForFunction(`Number(document.getElementById('z').dataset.value) > 0`, undefined, { timeout: 10000 });
    expect(await page.textContent('#z')).to.match(/^\d+\.\d\d mm$/);
    // readable events: a line per event, the uploaded file by name, no JSON, nothing wider than the card
    const upload = await page.$$eval('#events li', (items) => items.map((li) => [li.querySelector('.what')?.textContent, li.querySelector('.text')?.textContent]).find(([what]) => what === 'Upload'));
    expect(upload).to.deep.equal(['Upload', 'uploaded browser-test.gcode']);
    const events = (await page.textContent('#events')) ?? '';
    expect(events, events).not.to.contain('{"');
    expect(await page.$eval('#events', (list) => list.scrollWidth <= list.clientWidth)).to.equal(true);
    await page.screenshot({ path: path.join(os.tmpdir(), 'cuttle-status-page.png'), fullPage: true });
    expect(errors).to.deep.equal([]);
  });

  it('shows a pending application-key request and grants it with Allow', async () => {
    const auth = t.get<AuthManager>(AuthManager);
    await auth.users.add('operator', { admin: true });
    const operatorKey = auth.users.addKey('operator', 'status page');
    const page = await (await browser.newContext({ bypassCSP: true })).newPage();
    await page.goto(`${t.baseUrl}/?apikey=${operatorKey}`);
    await page.waitForFunction(`document.querySelector('.conn')?.dataset.status === 'connected'`);
    const request = await fetch(`${t.baseUrl}/plugin/appkeys/request`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ app: 'Slicer', user: 'operator' }),
    });
    expect(request.status).to.equal(201);
    const { app_token: appToken } = (await request.json()) as { app_token: string };
    await page.waitForSelector('#appkeys li[data-token] button.allow', { timeout: 10000 });
    expect(await page.textContent('#appkeys')).to.contain('Slicer');
    await page.click('#appkeys li[data-token] button.allow');
    await page.waitForSelector('#appkeys-empty', { timeout: 10000 });
    const poll = await fetch(`${t.baseUrl}/plugin/appkeys/request/${appToken}`);
    expect(poll.status).to.equal(200);
    const { api_key: key } = (await poll.json()) as { api_key: string };
    expect(key).to.match(/^[A-Za-z0-9]{32}$/);
    expect((await fetch(`${t.baseUrl}/api/currentuser`, { headers: keyHeaders(key) })).status).to.equal(200);
  });

  it('pushes the job\'s analysis with the state once the file is analysed', async () => {
    const c = pushClient(t.baseUrl, { apikey: t.apiKey });
    try {
      await waitFor(
        () => c.of('current').some((m) => typeof (m['job'] as { estimatedPrintTime: unknown }).estimatedPrintTime === 'number'),
        15000,
        'estimatedPrintTime in current',
      );
      const job = c.of('current').at(-1)!['job'] as { file: { name: string }; filament: Record<string, { length: number }> };
      expect(job.file.name).to.equal('browser-test.gcode');
      expect(job.filament['tool0']!.length).to.be.greaterThan(0);
    } finally {
      c.close();
    }
  });
});
