/**
 * The web app's farm-wide views in Chromium under its own CSP: two printers preheated, printing the
 * same file and cancelled at once from the farm; a history row per print, filtered by outcome; the
 * durable event log filtered by type; from Settings a printer added (its card appears on the farm
 * live) and removed, a user added and made read-only, an event's subscriptions tried; the temperature
 * presets edited on the host and read by another browser; a printer's webcam URLs set and its page showing
 * that camera; an event subscription added, changed, test-fired (a webhook server receives it) and
 * deleted; a plugin's settings page rendered from its schema, saved into config.yaml, a refused value
 * shown at its field; a read-only user gets none of these and the host refuses it; axe-core on each.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { expect } from 'chai';
import YAML from 'yaml';
import type { Browser, Page, Request } from 'playwright-core';
import { AuthManager } from '../../core/auth/api.js';
import { PrinterRegistry } from '../../core/printers/printer-registry.js';
import { SMALL_GCODE } from '../api/support.js';
import { layeredPrint } from '../farm-page/support.js';
import { startTestHost, type TestHost } from '../support/host.js';
import { waitFor } from '../support/wait.js';
import { launchChromium, openWatchedPage, seriousViolations, type WatchedPage } from './support.js';

describe('web app: the farm at once, history, event log and settings in Chromium', function () {
  this.timeout(60000);
  let t: TestHost;
  let browser: Browser;
  let watched: WatchedPage;
  let page: Page;
  /** a read-only user's key: sees no control to change settings, and is refused (made on first use: Users is first seen with no user at all) */
  let readonlyKey: string | undefined;
  const readonly = async (): Promise<string> => {
    if (readonlyKey) return readonlyKey;
    const auth = t.get<AuthManager>(AuthManager);
    await auth.users.add('looker', { groups: ['readonly'] });
    return (readonlyKey = auth.users.addKey('looker', 'settings tests'));
  };

  before(async () => {
    [t, browser] = await Promise.all([
      startTestHost({
        config: {
          printers: [
            { id: 'p1', name: 'Bench Prusa', connection: { port: 'virtual', autoconnect: true } },
            { id: 'bench2', name: 'Bench Ender', connection: { port: 'virtual', autoconnect: true } },
          ],
          serial: { temperatureInterval: 1, virtual: { speedFactor: 20 } },
          push: { rateHz: 4 },
          events: { subscriptions: [{ event: 'PrintDone', type: 'system', command: 'true {name}', name: 'say done' }] },
        },
      }),
      launchChromium(),
    ]);
    const registry = t.get<PrinterRegistry>(PrinterRegistry);
    await waitFor(() => registry.list().every((scope) => scope.printer.snapshot().state.id === 'OPERATIONAL'), 15000);
    // one finished print for the history and the log
    const form = new FormData();
    form.append('file', new Blob([SMALL_GCODE]), 'done.gcode');
    form.append('print', 'true');
    expect((await fetch(`${t.baseUrl}/printer/p1/api/files/local`, { method: 'POST', headers: { 'X-Api-Key': t.apiKey }, body: form })).status).to.equal(201);
    await waitFor(async () => ((await (await fetch(`${t.baseUrl}/api/history?result=done`, { headers: { 'X-Api-Key': t.apiKey } })).json()) as { total: number }).total === 1, 15000);
    watched = await openWatchedPage(browser);
    page = watched.page;
    await page.goto(`${t.baseUrl}/?apikey=${t.apiKey}`);
    await page.waitForSelector('.conn[data-status="connected"]');
  });
  after(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('preheats two printers, prints one file on both and cancels both after a confirmation, from the farm', async () => {
    const form = new FormData();
    form.append('file', new Blob([layeredPrint(600)]), 'both.gcode');
    expect((await fetch(`${t.baseUrl}/api/files/local`, { method: 'POST', headers: { 'X-Api-Key': t.apiKey }, body: form })).status).to.equal(201);
    await page.reload();
    const downloads: string[] = [];
    page.on('request', (r) => r.url().includes('/downloads/files/local/') && downloads.push(r.url()));
    const card = (id: string) => `#cards .card[data-printer="${id}"]`;
    for (const id of ['p1', 'bench2']) await page.check(`${card(id)} input.select`);
    // clicked twice before the printers answered: each printer is told once
    const targets: string[] = [];
    const record = (r: Request) => r.method() === 'POST' && /api\/printer\/(tool|bed)$/.test(r.url()) && targets.push(new URL(r.url()).pathname);
    page.on('request', record);
    await page.waitForSelector('button[data-bulk-preset="PETG"]');
    await page.evaluate(`(() => { const preset = document.querySelector('button[data-bulk-preset="PETG"]'); preset.click(); preset.click(); })()`);
    await page.waitForSelector('#bulk-outcome:text-is("preheat PETG: done on 2 printers")');
    page.off('request', record);
    expect(targets.sort()).to.deep.equal(['/printer/bench2/api/printer/bed', '/printer/bench2/api/printer/tool', '/printer/p1/api/printer/bed', '/printer/p1/api/printer/tool']);
    for (const id of ['p1', 'bench2']) await page.waitForSelector(`${card(id)} .temps:has-text("/ 240 °C")`, { timeout: 15000 });
    await page.selectOption('#bulk-file', 'both.gcode');
    await page.click('button:has-text("Print on all")');
    for (const id of ['p1', 'bench2']) await page.waitForSelector(`${card(id)}[data-kind="printing"] .job:text-is("both.gcode")`, { timeout: 15000 });
    // each printing card shows the layer it prints, drawn; the file was fetched (and parsed, in a worker) once for both
    for (const id of ['p1', 'bench2']) {
      await page.waitForSelector(`${card(id)} canvas.thumb[data-layer]`, { timeout: 15000 });
      const inked = `(() => { const c = document.querySelector('${card(id)} canvas.thumb'); return c.getContext('2d').getImageData(0, 0, c.width, c.height).data.filter((v, i) => i % 4 === 3 && v > 0).length; })()`;
      await waitFor(async () => Number(await page.evaluate(inked)) > 20, 5000, 'a drawn thumbnail');
    }
    expect(downloads.filter((url) => url.endsWith('/both.gcode'))).to.have.length(1);
    // a page opened on a farm already printing draws them too (its cards are listed before their first live update)
    await page.reload();
    for (const id of ['p1', 'bench2']) await page.waitForSelector(`${card(id)} canvas.thumb[data-layer]`, { timeout: 15000 });
    for (const id of ['p1', 'bench2']) await page.check(`${card(id)} input.select`);
    await page.click('#bulk-cancel');
    await page.click('dialog[open] button:has-text("Cancel jobs")');
    for (const id of ['p1', 'bench2']) await page.waitForSelector(`${card(id)}[data-state="Operational"]`, { timeout: 15000 });
    const registry = t.get<PrinterRegistry>(PrinterRegistry);
    expect(registry.list().map((scope) => scope.printer.snapshot().state.id)).to.deep.equal(['OPERATIONAL', 'OPERATIONAL']);
    expect(await seriousViolations(page), 'farm with a selection').to.deep.equal([]);
    // cancelled again, nothing printing: each printer's refusal by its name; a name with a direction
    // override is isolated, so the host's reason after it reads as written
    const rtl = 'Ender \u202Eedoc';
    const rename = (name: string) => fetch(`${t.baseUrl}/api/printers/bench2`, { method: 'PATCH', headers: { 'X-Api-Key': t.apiKey, 'Content-Type': 'application/json' }, body: JSON.stringify({ name }) });
    expect((await rename(rtl)).status).to.equal(200);
    try {
      await page.waitForSelector(`${card('bench2')} h2 a:text-is(${JSON.stringify(rtl)})`);
      await page.click('#bulk-cancel');
      await page.click('dialog[open] button:has-text("Cancel jobs")');
      await waitFor(async () => /0 of 2 done/.test((await page.textContent('#bulk-outcome')) ?? ''), 10000);
      expect(await page.textContent('#bulk-outcome')).to.equal(`cancel: 0 of 2 done; Bench Prusa: No print job is running; ${rtl}: No print job is running`);
      expect(await page.$$eval('#bulk-outcome bdi', (names) => names.map((n) => n.textContent))).to.deep.equal(['Bench Prusa', rtl]);
    } finally {
      expect((await rename('Bench Ender')).status).to.equal(200);
    }
    // the two refusals are the browser's own log lines of the host's 409s, no script error
    expect(watched.errors.filter((e) => !/status of 409/.test(e))).to.deep.equal([]);
    watched.errors.length = 0;
    await page.click('button:has-text("Clear selection")');
  });

  it('back with a dialog open: the dialog goes with its view, and the focus goes to the content, not to the top of the page', async () => {
    await page.goto(`${t.baseUrl}/#/history`);
    await page.waitForSelector('#history-h');
    await page.click('nav a:has-text("Printers")');
    await page.check('#cards .card[data-printer="p1"] input.select');
    await page.click('#bulk-cancel');
    await page.waitForSelector('dialog[open]');
    await page.goBack();
    await page.waitForSelector('#history-h');
    expect(await page.$('dialog[open]')).to.equal(null);
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).to.equal('main');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('!!document.activeElement.closest("main")'), 'the next Tab is in the content').to.equal(true);
    expect(watched.errors).to.deep.equal([]);
  });

  it('History lists the print with its outcome and duration, and the totals', async () => {
    await page.click('nav a:has-text("History")');
    expect(page.url()).to.equal(`${t.baseUrl}/#/history`);
    await page.waitForSelector('#history tr[data-result="cancelled"]');
    await page.selectOption('#history-result', 'done');
    await page.waitForSelector('#history tr[data-result="done"]');
    // the done row was there before the filter: wait for the filtered list, not the first row
    await page.waitForSelector('#history tr[data-result="cancelled"]', { state: 'detached' });
    expect(await page.$$('#history tr[data-result="cancelled"]')).to.have.length(0);
    const row = await page.$$eval('#history tr[data-result="done"] td', (cells) => cells.map((c) => c.textContent));
    expect(row[1]).to.equal('Bench Prusa');
    expect(row[2]).to.equal('done.gcode');
    expect(row[3]).to.equal('done');
    expect(row[4]).to.match(/^\d+ s$/);
    expect(await page.textContent('#history-totals')).to.match(/^3 jobs · /);
    expect(await seriousViolations(page), 'history view').to.deep.equal([]);
  });

  it('the event log shows the durable events, newest first, filtered by type', async () => {
    await page.click('nav a:has-text("Event log")');
    await page.waitForSelector('#event-log li .what:text-is("PrintDone")');
    // a long type stays on one line, and a plugin's event shows by its own name, the full type in its title
    const lineHeight = Number(await page.evaluate(`parseFloat(getComputedStyle(document.querySelector('#event-log li .what')).lineHeight)`));
    const longest = await page.$eval('#event-log li .what:text-is("MetadataAnalysisFinished")', (w) => w.getBoundingClientRect().height);
    expect(longest).to.be.below(lineHeight * 1.5);
    expect(await page.textContent('#event-log li .what[title="plugin_printing_events_PrintProgress"]')).to.equal('PrintProgress');
    await page.fill('input[placeholder="e.g. PrintDone"]', 'PrintStarted');
    await page.press('input[placeholder="e.g. PrintDone"]', 'Enter');
    // newest first: the two prints of both.gcode, then done.gcode's
    await waitFor(async () => (await page.$$eval('#event-log li .what', (w) => w.map((x) => x.textContent))).join() === 'PrintStarted,PrintStarted,PrintStarted', 10000);
    expect(await page.$$eval('#event-log li .text', (w) => w.map((x) => x.textContent))).to.deep.equal(['print started: both.gcode', 'print started: both.gcode', 'print started: done.gcode']);
    expect(await seriousViolations(page), 'event log view').to.deep.equal([]);
  });

  it('adds a printer from Settings: its card appears on the farm live, and a rename shows on it live; removing it takes the card away; adds a user', async () => {
    await page.click('nav a:has-text("Settings")');
    await page.waitForSelector('#printer-settings tr[data-printer="p1"]');
    expect(await seriousViolations(page), 'settings view').to.deep.equal([]);
    // the port and baud rate fields suggest what the host accepts (as GET /api/connection lists it)
    await page.waitForSelector('#add-printer-ports option[value="virtual"]', { state: 'attached' });
    expect(await page.$$eval('#add-printer-baudrates option', (o) => o.map((x) => x.getAttribute('value')))).to.include.members(['115200', '250000']);
    await page.fill('#add-printer input[name=id]', 'p2');
    await page.fill('#add-printer input[name=name]', 'Spare Mini');
    await page.fill('#add-printer input[name=port]', 'virtual');
    await page.click('#add-printer button[type=submit]');
    await page.waitForSelector('#printer-settings tr[data-printer="p2"]');
    expect(t.get<PrinterRegistry>(PrinterRegistry).get('p2')?.entry.name).to.equal('Spare Mini');
    await page.click('nav a:has-text("Printers")');
    await page.waitForSelector('#cards .card[data-printer="p2"][data-state="Operational"]', { timeout: 15000 });
    // renamed elsewhere (the REST API): the card shows the new name without a reload
    const renamed = await fetch(`${t.baseUrl}/api/printers/p2`, { method: 'PATCH', headers: { 'X-Api-Key': t.apiKey, 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'Spare Mini II' }) });
    expect(renamed.status).to.equal(200);
    await page.waitForSelector('#cards .card[data-printer="p2"] h2 a:text-is("Spare Mini II")');
    // a name of one long word fits a phone's screen: it breaks in Settings' table (the Remove buttons were
    // pushed off the screen), and is cut short in the event log, whole in its title
    const long = 'Spare_Mini_on_the_left_shelf_by_the_window';
    expect((await fetch(`${t.baseUrl}/api/printers/p2`, { method: 'PATCH', headers: { 'X-Api-Key': t.apiKey, 'Content-Type': 'application/json' }, body: JSON.stringify({ name: long }) })).status).to.equal(200);
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.click('nav a:has-text("Settings")');
      await page.waitForSelector(`#printer-settings tr[data-printer="p2"] td:text-is("${long}")`);
      expect(await page.evaluate('document.documentElement.scrollWidth'), 'Settings on a phone').to.equal(390);
      // the new printer's baud rate shows whole beside its suggestions' arrow (it read 11520)
      expect(await page.$eval('#add-printer input[name=baudrate]', (i) => [i.scrollWidth, i.clientWidth])).to.satisfy(([scroll, client]: number[]) => scroll! <= client!);
      await page.click('nav a:has-text("Event log")');
      await page.waitForSelector(`#event-log .who[title="${long}"]`);
      expect(await page.$$eval('#event-log .who', (names) => Math.max(...names.map((n) => n.getBoundingClientRect().right))), 'the event log on a phone').to.be.at.most(390);
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
    // printer 2's page, open in another tab while it is removed
    const p2Page = await page.context().newPage();
    await p2Page.goto(`${t.baseUrl}/printer/p2/?apikey=${t.apiKey}`);
    await p2Page.waitForSelector('.conn[data-status="connected"]');
    await page.click('nav a:has-text("Settings")');
    page.once('dialog', (d) => void d.accept());
    await page.click('#printer-settings tr[data-printer="p2"] button:has-text("Remove")');
    await page.waitForSelector('#printer-settings tr[data-printer="p2"]', { state: 'detached' });
    expect(t.get<PrinterRegistry>(PrinterRegistry).get('p2')).to.equal(undefined);
    // that page says the printer is gone (not that the host is away), its controls are paused, and it links to the farm
    await p2Page.waitForSelector('.conn[data-status="gone"]', { timeout: 15000 });
    expect(await p2Page.textContent('.conn')).to.equal('no such printer');
    expect(await p2Page.textContent('.away')).to.match(/^This host has no printer “p2”: it was removed, or the address is wrong\. All printers$/);
    expect(await p2Page.isDisabled('#terminal-form input, input[placeholder^="G-code"]')).to.equal(true);
    await Promise.all([p2Page.waitForURL(`${t.baseUrl}/`), p2Page.click('.away a:text-is("All printers")')]);
    await p2Page.close();
    // no user yet (signed in with the host's key): a line says so, and no empty table
    await page.waitForSelector('#users-empty:has-text("No users yet")');
    expect(await page.$('#users')).to.equal(null);
    // a user added, then made read-only
    await page.fill('#add-user input[name=name]', 'newbie');
    await page.fill('#add-user input[name=password]', 'long enough secret');
    await page.click('#add-user button[type=submit]');
    await page.waitForSelector('#users tr[data-user="newbie"]');
    expect(await page.$('#users-empty')).to.equal(null);
    await page.selectOption('#users tr[data-user="newbie"] select', 'readonly');
    await waitFor(() => t.get<AuthManager>(AuthManager).users.find('newbie')?.groups.join() === 'readonly', 5000);
    expect(await seriousViolations(page), 'settings view with users').to.deep.equal([]);
    // an event subscription tried out (on the subscriptions' page): the configured command ran
    await page.click('nav[aria-label="Settings pages"] a:text-is("Event subscriptions")');
    await page.click('#test-fire button[type=submit]');
    await page.waitForSelector('#test-fire-result li[data-status="ran"]');
    expect(await page.textContent('#test-fire-result li .text')).to.contain('(system)');
    expect(watched.errors).to.deep.equal([]);
  });

  /** Signs `name` in on the start page and opens Settings. */
  async function openSettingsAs(page: Page, name: string, password: string): Promise<void> {
    await page.goto(`${t.baseUrl}/`);
    await page.fill('input[name=user]', name);
    await page.fill('input[name=pass]', password);
    await page.click('button[type=submit]');
    await page.waitForSelector('.conn[data-status="connected"]');
    await page.click('nav a:has-text("Settings")');
  }

  it('asks an admin signed in with a password for it again before adding a user, when the host wants it; a wrong one is said in the dialog, and Cancel adds nobody', async () => {
    const auth = t.get<AuthManager>(AuthManager);
    await auth.users.add('boss', { password: 'boss password here', groups: ['admins'] });
    const admin = await openWatchedPage(browser);
    const configured = auth.options.reauthenticationMs;
    try {
      await openSettingsAs(admin.page, 'boss', 'boss password here');
      await admin.page.waitForSelector('#add-user');
      // the password entered at sign-in is now too old for the host
      auth.options.reauthenticationMs = 1;
      const addUser = async (name: string) => {
        await admin.page.fill('#add-user input[name=name]', name);
        await admin.page.fill('#add-user input[name=password]', 'long enough secret');
        await admin.page.click('#add-user button[type=submit]');
        await admin.page.waitForSelector('#reauth[open]');
      };
      await addUser('declined');
      expect(await seriousViolations(admin.page), 'password dialog').to.deep.equal([]);
      await admin.page.click('#reauth button:text-is("Cancel")');
      await admin.page.waitForSelector('section[aria-labelledby="users-h"] .notice:has-text("reauthenticate")');
      expect(auth.users.find('declined')).to.equal(undefined);
      // what was typed stays, to try again
      expect(await admin.page.inputValue('#add-user input[name=name]')).to.equal('declined');
      await addUser('helper');
      await admin.page.fill('#reauth input[name=pass]', 'not it');
      await admin.page.press('#reauth input[name=pass]', 'Enter');
      await admin.page.waitForSelector('#reauth-error');
      auth.options.reauthenticationMs = configured;
      await admin.page.fill('#reauth input[name=pass]', 'boss password here');
      await admin.page.press('#reauth input[name=pass]', 'Enter');
      await admin.page.waitForSelector('#users tr[data-user="helper"]');
      expect(await admin.page.$('#reauth[open]')).to.equal(null);
      expect(admin.errors).to.deep.equal([]);
    } finally {
      auth.options.reauthenticationMs = configured;
      await admin.context.close();
    }
  });

  it('asks once for two calls refused together: one password retries each once and both succeed; Cancel refuses both', async () => {
    const auth = t.get<AuthManager>(AuthManager);
    await Promise.all([
      auth.users.add('chief', { password: 'chief password here', groups: ['admins'] }),
      auth.users.add('left', { password: 'left password here', groups: ['users'] }),
      auth.users.add('right', { password: 'right password here', groups: ['users'] }),
    ]);
    const admin = await openWatchedPage(browser);
    const configured = auth.options.reauthenticationMs;
    const sent: string[] = [];
    admin.page.on('request', (r) => /api\/(access\/users\/|login)/.test(r.url()) && sent.push(`${r.method()} ${new URL(r.url()).pathname}`));
    try {
      await openSettingsAs(admin.page, 'chief', 'chief password here');
      await admin.page.waitForSelector('#users tr[data-user="right"]');
      auth.options.reauthenticationMs = 1;
      // two changes in one moment, both sent before the host refused the first
      const both = (group: string, active: boolean) =>
        admin.page.evaluate(`(() => {
          const select = document.querySelector('select[aria-label="Group of left"]');
          select.value = ${JSON.stringify(group)};
          select.dispatchEvent(new Event('change', { bubbles: true }));
          const box = document.querySelector('input[aria-label="right may sign in"]');
          if (box.checked !== ${active}) box.click();
        })()`);
      const puts = () => sent.filter((r) => r.startsWith('PUT')).length;
      const logins = () => sent.filter((r) => r === 'POST /api/login').length;
      const before = logins();
      await both('readonly', false);
      await admin.page.waitForSelector('#reauth[open]');
      await waitFor(() => puts() === 2, 5000);
      // Cancel refuses both: nothing changed, nothing sent again, the refusal said where they acted
      await admin.page.click('#reauth button:text-is("Cancel")');
      await admin.page.waitForSelector('section[aria-labelledby="users-h"] .notice:has-text("reauthenticate")');
      expect(await admin.page.$('#reauth[open]')).to.equal(null);
      expect(puts()).to.equal(2);
      expect(auth.users.find('left')?.groups).to.deep.equal(['users']);
      expect(auth.users.find('right')?.active).to.equal(true);
      // and the controls show what the host has, not the refused change
      expect(await admin.page.inputValue('select[aria-label="Group of left"]')).to.equal('users');
      expect(await admin.page.isChecked('input[aria-label="right may sign in"]')).to.equal(true);
      // again; this time one password, asked once, and each call made once more
      await both('readonly', false);
      await admin.page.waitForSelector('#reauth[open]');
      await waitFor(() => puts() === 4, 5000);
      auth.options.reauthenticationMs = configured;
      await admin.page.fill('#reauth input[name=pass]', 'chief password here');
      await admin.page.press('#reauth input[name=pass]', 'Enter');
      await waitFor(() => auth.users.find('left')?.groups.includes('readonly') === true && auth.users.find('right')?.active === false, 5000);
      await admin.page.waitForSelector('#users tr[data-user="right"] input[type=checkbox]:not(:checked)');
      expect(await admin.page.$('#reauth[open]')).to.equal(null);
      expect(puts(), 'each refused change made once more').to.equal(6);
      expect(logins() - before, 'one password for both').to.equal(1);
      expect(admin.errors).to.deep.equal([]);
    } finally {
      auth.options.reauthenticationMs = configured;
      await admin.context.close();
    }
  });

  it("edits the temperature presets kept by the host: a bad value shown at its row, then saved, and another browser's preset buttons read them", async () => {
    const config = () => YAML.parse(fs.readFileSync(path.join(t.basedir, 'config.yaml'), 'utf8'));
    await page.goto(`${t.baseUrl}/#/settings`);
    await page.click('nav[aria-label="Settings pages"] a:text-is("Temperature presets")');
    const row = (i: number) => `#presets-editor tr[data-preset-row="${i}"]`;
    await page.waitForSelector(`${row(1)} input[name=tool]`);
    expect(await page.inputValue(`${row(1)} input[name=name]`)).to.equal('PETG');
    await page.fill(`${row(1)} input[name=tool]`, '235');
    await page.fill(`${row(1)} input[name=bed]`, '75');
    await page.click('#presets-editor button:text-is("Add a material")');
    await page.fill(`${row(3)} input[name=name]`, 'TPU');
    await page.fill(`${row(3)} input[name=tool]`, '900');
    await page.click('#presets-editor button[type=submit]');
    await page.waitForSelector(`${row(3)} .field-error:text-is("hotend must be from 0 to 500 °C")`);
    expect(config().temperature).to.equal(undefined);
    expect(await seriousViolations(page), 'presets with an error').to.deep.equal([]);
    await page.fill(`${row(3)} input[name=tool]`, '220');
    // a decimal comma is a point (a number field read '52,5' as 525)
    await page.fill(`${row(3)} input[name=bed]`, '52,5');
    await page.click('#presets-editor button[type=submit]');
    await page.waitForSelector('#presets-editor [role=status]:text-is("Saved.")');
    await page.setViewportSize({ width: 390, height: 900 });
    expect(await page.evaluate('document.documentElement.scrollWidth'), 'four presets on a 390 px phone').to.equal(390);
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(config().temperature.profiles).to.deep.equal([
      { name: 'PLA', extruder: 210, bed: 60, chamber: null },
      { name: 'PETG', extruder: 235, bed: 75, chamber: null },
      { name: 'ABS', extruder: 250, bed: 100, chamber: null },
      { name: 'TPU', extruder: 220, bed: 52.5, chamber: null },
    ]);
    // the host refuses what the form would not send, naming the setting
    const refused = await fetch(`${t.baseUrl}/api/settings`, { method: 'POST', headers: { 'X-Api-Key': t.apiKey, 'Content-Type': 'application/json' }, body: JSON.stringify({ temperature: { profiles: [{ name: 'PLA', extruder: 2100, bed: 60, chamber: null }] } }) });
    expect(refused.status).to.equal(400);
    expect(((await refused.json()) as { error: string }).error).to.contain('temperature.profiles');
    // another browser (no storage shared) shows the host's presets on a printer's page
    const other = await openWatchedPage(browser);
    await other.page.goto(`${t.baseUrl}/printer/p1/?apikey=${t.apiKey}`);
    await other.page.waitForSelector('button[data-preset="TPU"][title="hotend 220 °C, bed 52.5 °C"]');
    expect(await other.page.$$eval('button[data-preset]', (b) => b.map((x) => x.getAttribute('data-preset')))).to.deep.equal(['PLA', 'PETG', 'ABS', 'TPU', 'off']);
    expect(other.errors).to.deep.equal([]);
    await other.context.close();
    expect(watched.errors).to.deep.equal([]);
  });

  it("sets a printer's webcam URLs in Settings (a bad one refused at its field); its page then shows that camera, live from its stream", async () => {
    // a camera of our own on another origin: it answers the host's test-pattern JPEG and counts the requests
    const jpeg = Buffer.from(await (await fetch(`${t.baseUrl}/webcam/test-pattern.jpg`)).arrayBuffer());
    const asked: string[] = [];
    const camera = http.createServer((req, res) => {
      asked.push(req.url!);
      res.writeHead(200, { 'Content-Type': 'image/jpeg', 'Cache-Control': 'no-store' }).end(jpeg);
    });
    await new Promise<void>((resolve) => camera.listen(0, '127.0.0.1', resolve));
    const cam = `http://127.0.0.1:${(camera.address() as AddressInfo).port}`;
    try {
      await page.goto(`${t.baseUrl}/#/settings/webcams`);
      const form = 'form[data-webcam-printer="p1"]';
      await page.waitForSelector(`${form} button[type=submit]:not([disabled])`);
      expect(await seriousViolations(page), "printers' webcams").to.deep.equal([]);
      await page.fill(`${form} input[name=streamUrl]`, 'ftp://camera/stream');
      await page.click(`${form} button[type=submit]`);
      await page.waitForSelector(`${form} #webcam-p1-streamUrl-error:has-text("webcams[0].streamUrl")`);
      expect(t.get<PrinterRegistry>(PrinterRegistry).get('p1')?.entry.webcams).to.equal(undefined);
      await page.fill(`${form} input[name=streamUrl]`, `${cam}/stream`);
      await page.fill(`${form} input[name=snapshotUrl]`, `${cam}/snapshot`);
      await page.click(`${form} button[type=submit]`);
      await page.waitForSelector(`${form} [role=status]:text-is("Saved.")`);
      const saved = YAML.parse(fs.readFileSync(path.join(t.basedir, 'config.yaml'), 'utf8')).printers.find((p: { id: string }) => p.id === 'p1');
      expect(saved.webcams).to.have.length(1);
      expect(saved.webcams[0]).to.include({ name: 'Camera', streamUrl: `${cam}/stream`, snapshotUrl: `${cam}/snapshot` });
      // the printer's page shows its own camera's stream (its origin allowed by the page's CSP)
      await page.goto(`${t.baseUrl}/printer/p1/`);
      await page.waitForSelector(`#webcam[data-kind="stream"][src="${cam}/stream"]`);
      await waitFor(async () => Number(await page.$eval('#webcam', (img) => (img as unknown as { naturalWidth: number }).naturalWidth)) === 320, 10000);
      expect(asked).to.include('/stream');
      // a user without SETTINGS is refused
      const refused = await fetch(`${t.baseUrl}/api/printers/p1/webcams`, { method: 'PUT', headers: { 'X-Api-Key': await readonly(), 'Content-Type': 'application/json' }, body: JSON.stringify({ webcams: [] }) });
      expect(refused.status).to.equal(403);
      expect(t.get<PrinterRegistry>(PrinterRegistry).get('p1')?.entry.webcams).to.have.length(1);
      // the other printer has none of its own: the host's camera (the test pattern)
      await page.goto(`${t.baseUrl}/printer/bench2/`);
      await page.waitForSelector('#webcam[data-kind="snapshot"][src^="webcam/test-pattern.jpg"]');
      expect(watched.errors.filter((e) => !/status of 400/.test(e))).to.deep.equal([]);
      watched.errors.length = 0;
    } finally {
      camera.closeAllConnections();
      await new Promise((resolve) => camera.close(resolve));
    }
  });

  it('adds, changes, test-fires and deletes an event subscription in Settings: the webhook it posts reaches a server; a bad one is refused with the reason', async () => {
    const received: { url: string; body: { event: string; payload: { name: string; printer?: string } } }[] = [];
    const hook = http.createServer((req, res) => {
      let text = '';
      req.on('data', (chunk) => (text += chunk));
      req.on('end', () => {
        received.push({ url: req.url!, body: JSON.parse(text) });
        res.end('thanks');
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}`;
    const configured = () => YAML.parse(fs.readFileSync(path.join(t.basedir, 'config.yaml'), 'utf8')).events.subscriptions as Record<string, unknown>[];
    try {
      await page.goto(`${t.baseUrl}/#/settings/subscriptions`);
      const form = '#subscription-form';
      await page.waitForSelector('#subscriptions tr[data-subscription="0"]');
      expect(await page.$$eval(`${form} select[name=type] option`, (o) => o.map((x) => (x as unknown as { value: string }).value))).to.deep.equal(['gcode', 'system', 'webhook']);
      expect(await page.inputValue(`${form} select[name=type]`)).to.equal('webhook');
      expect(await seriousViolations(page), 'event subscriptions').to.deep.equal([]);
      // refused: an event no plugin declares
      await page.fill(`${form} input[name=event]`, 'NoSuchEvent');
      await page.fill(`${form} textarea[name=command]`, `${url}/done?file={name}`);
      await page.click(`${form} button[type=submit]`);
      await page.waitForSelector(`${form} .notice:has-text('unknown event "NoSuchEvent"')`);
      expect(configured()).to.have.length(1);
      // added
      await page.fill(`${form} input[name=event]`, 'PrintDone');
      await page.fill(`${form} input[name=printers]`, 'bench2');
      await page.fill(`${form} textarea[name=options]`, '{"retries": 0}');
      await page.click(`${form} button[type=submit]`);
      await page.waitForSelector('#subscriptions tr[data-subscription="1"]');
      expect(configured()[1]).to.deep.equal({ retries: 0, event: 'PrintDone', type: 'webhook', command: `${url}/done?file={name}`, enabled: true, printers: ['bench2'] });
      // changed
      await page.click('button[aria-label="Edit subscription 2"]');
      await page.waitForSelector(`${form} h2:text-is("Change subscription 2")`);
      expect(await page.inputValue(`${form} input[name=printers]`)).to.equal('bench2');
      await page.fill(`${form} textarea[name=command]`, `${url}/edited?file={name}&printer={__printer}`);
      await page.click(`${form} button:text-is("Save changes")`);
      await page.waitForSelector(`#subscriptions tr[data-subscription="1"] code:has-text("/edited")`);
      expect(configured()[1]!['command']).to.equal(`${url}/edited?file={name}&printer={__printer}`);
      // test-fired through the dispatcher: the webhook server got the event, for the subscription's printer
      await page.click('button[aria-label="Test subscription 2"]');
      await page.waitForSelector('#subscriptions tr[data-subscription="1"] .test-outcome li[data-status="ran"]');
      expect(received.map((r) => r.url)).to.deep.equal(['/edited?file=test.gcode&printer=bench2']);
      // on a 390 px phone the list and the form fit the screen
      await page.setViewportSize({ width: 390, height: 900 });
      expect(await page.evaluate('document.documentElement.scrollWidth')).to.equal(390);
      await page.setViewportSize({ width: 1280, height: 900 });
      expect(received[0]!.body.event).to.equal('PrintDone');
      expect(received[0]!.body.payload).to.include({ name: 'test.gcode', printer: 'bench2' });
      expect(await seriousViolations(page), 'event subscriptions after a test').to.deep.equal([]);
      // deleted
      page.once('dialog', (d) => void d.accept());
      await page.click('button[aria-label="Delete subscription 2"]');
      await page.waitForSelector('#subscriptions tr[data-subscription="1"]', { state: 'detached' });
      expect(configured()).to.have.length(1);
      expect(watched.errors.filter((e) => !/status of 400/.test(e))).to.deep.equal([]);
      watched.errors.length = 0;
      // without SETTINGS: refused
      const key = await readonly();
      for (const [method, where] of [['GET', ''], ['POST', ''], ['DELETE', '/0'], ['POST', '/0/test']] as const) {
        const r = await fetch(`${t.baseUrl}/api/events/subscriptions${where}`, { method, headers: { 'X-Api-Key': key, 'Content-Type': 'application/json' }, body: method === 'GET' ? undefined : '{}' });
        expect(r.status, `${method} ${where}`).to.equal(403);
      }
      expect(configured()).to.have.length(1);
    } finally {
      hook.closeAllConnections();
      await new Promise((resolve) => hook.close(resolve));
    }
  });

  it("renders a plugin's settings from its schema, saves them, clears a secret, shows a refused value at its field; a read-only user gets no such page", async () => {
    const config = () => YAML.parse(fs.readFileSync(path.join(t.basedir, 'config.yaml'), 'utf8'));
    await page.goto(`${t.baseUrl}/#/settings`);
    await page.click('nav[aria-label="Settings pages"] a:text-is("MQTT (plugin)")');
    const form = 'section[data-settings-page="plugins.mqtt"] form';
    await page.waitForSelector(`${form} select[name="plugins.mqtt.qos"]`);
    expect(await seriousViolations(page), "a plugin's settings page").to.deep.equal([]);
    await page.selectOption(`${form} select[name="plugins.mqtt.qos"]`, { label: '2' });
    await page.fill(`${form} input[name="plugins.mqtt.baseTopic"]`, 'farm');
    await page.fill(`${form} input[name="plugins.mqtt.password"]`, 'broker secret');
    await page.uncheck(`${form} input[name="plugins.mqtt.discovery"]`);
    await page.click(`${form} button[type=submit]`);
    await page.waitForSelector(`${form} [role=status]:text-is("Saved.")`);
    expect(config().plugins.mqtt).to.deep.equal({ qos: 2, baseTopic: 'farm', password: 'broker secret', discovery: false });
    // the secret is not sent back: the field is empty, and says one is set
    expect(await page.inputValue(`${form} input[name="plugins.mqtt.password"]`)).to.equal('');
    expect(await page.getAttribute(`${form} input[name="plugins.mqtt.password"]`, 'placeholder')).to.contain('set');
    // a set secret can be cleared (not only replaced): the host then holds none, and the field says so
    expect(await seriousViolations(page), 'a settings page with a secret set').to.deep.equal([]);
    await page.check(`${form} input[name="plugins.mqtt.password.clear"]`);
    expect(await page.isDisabled(`${form} input[name="plugins.mqtt.password"]`)).to.equal(true);
    await page.click(`${form} button[type=submit]`);
    await page.waitForSelector(`${form} input[name="plugins.mqtt.password"][placeholder="not set"]`);
    expect(config().plugins.mqtt).to.deep.equal({ qos: 2, baseTopic: 'farm', password: '', discovery: false });
    expect(await page.$(`${form} input[name="plugins.mqtt.password.clear"]`)).to.equal(null);
    // a value the host refuses is shown beside its field, and nothing is saved
    await page.click('nav[aria-label="Settings pages"] a:text-is("Timelapse")');
    const fps = 'section[data-settings-page="timelapse"] [data-key="timelapse.fps"]';
    const timelapse = config().timelapse;
    const fpsShown = await page.inputValue(`${fps} input`);
    await page.fill(`${fps} input`, '500');
    await page.click('section[data-settings-page="timelapse"] button[type=submit]');
    await page.waitForSelector(`${fps} .field-error:has-text("timelapse.fps")`);
    expect(await page.getAttribute(`${fps} input`, 'aria-invalid')).to.equal('true');
    expect(config().timelapse).to.deep.equal(timelapse);
    expect(await seriousViolations(page), 'a settings page with an error').to.deep.equal([]);
    // a decimal comma is read as a point (a number field read '2,5' as 25)
    await page.fill(`${fps} input`, fpsShown);
    await page.fill('section[data-settings-page="timelapse"] [data-key="timelapse.interval"] input', '2,5');
    await page.click('section[data-settings-page="timelapse"] button[type=submit]');
    await page.waitForSelector('section[data-settings-page="timelapse"] [role=status]:text-is("Saved.")');
    expect(config().timelapse.interval).to.equal(2.5);
    // (Chromium logs the refused request itself: the one 400 expected)
    expect(watched.errors.filter((e) => !/status of 400/.test(e))).to.deep.equal([]);
    watched.errors.length = 0;
    // a read-only user: no settings pages, and the host refuses the change
    const key = await readonly();
    const viewer = await openWatchedPage(browser);
    await viewer.page.goto(`${t.baseUrl}/?apikey=${key}#/settings/plugins.mqtt`);
    await viewer.page.waitForSelector('#printer-settings');
    expect(await viewer.page.$('nav[aria-label="Settings pages"]')).to.equal(null);
    expect(await viewer.page.$('form.settings-form')).to.equal(null);
    const refused = await fetch(`${t.baseUrl}/api/settings/pages/plugins.mqtt`, { method: 'PUT', headers: { 'X-Api-Key': key, 'Content-Type': 'application/json' }, body: JSON.stringify({ values: { qos: 0 } }) });
    expect(refused.status).to.equal(403);
    expect(config().plugins.mqtt.qos).to.equal(2);
    await viewer.context.close();
  });
});
