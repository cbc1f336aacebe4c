/**
 * The newcomer's story in the web app, in headless Chromium under the page's own CSP: sign in with a
 * user name and password, see the farm live, open a printer, preheat with a preset, home, jog X +10,
 * a terminal round trip, upload by drag and drop, print (the layer preview follows it), pause, resume,
 * cancel after a confirmation.
 * The printer is a simulator process on a pty: what the controls sent is read from its own record of
 * executed commands. axe-core finds no serious or critical violation on the sign-in, farm and printer
 * views. A user without CONTROL sees no motion controls, and the host refuses them.
 */
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { AuthManager } from '../../core/auth/api.js';
import { PrinterRegistry } from '../../core/printers/printer-registry.js';

import { longPrint } from '../farm-page/support.js';
import { startTestHost, type TestHost } from '../support/host.js';
import { focused, focusShown, launchChromium, openWatchedPage, tabTo, recordedPrinter, seriousViolations, storyGcode, type RecordedPrinter, type WatchedPage } from './support.js';
import { waitFor } from '../support/wait.js';

const card = (id: string) => `#cards .card[data-printer="${id}"]`;

describe('web app: the newcomer story in Chromium', function () {
  this.timeout(60000);
  let t: TestHost;
  let browser: Browser;
  let printer: RecordedPrinter;
  let watched: WatchedPage;
  let page: Page;
  let viewerKey: string;

  const state = () => page.textContent('#state');
  const waitState = (text: string) => page.waitForSelector(`#state:text-is("${text}")`, { timeout: 15000 });

  before(async () => {
    [printer, browser] = await Promise.all([recordedPrinter(), launchChromium()]);
    t = await startTestHost({
      config: {
        printers: [
          { id: 'mk4', name: 'Workshop MK4', connection: { port: printer.sim.link, baudrate: 115200, autoconnect: true } },
          { id: 'spare', name: 'Spare Ender', connection: { port: 'virtual', autoconnect: true } },
        ],
        serial: { temperatureInterval: 1, timeout: { connection: 5000, hello: 500, communication: 5000, maxNudges: 3 } },
        push: { rateHz: 4 },
      },
    });
    const auth = t.get<AuthManager>(AuthManager);
    await Promise.all([auth.users.add('ada', { password: 'correct horse battery' }), auth.users.add('viewer', { groups: ['readonly'] })]);
    viewerKey = auth.users.addKey('viewer', 'browser');
    const registry = t.get<PrinterRegistry>(PrinterRegistry);
    await waitFor(() => registry.list().every((s) => s.printer.snapshot().state.id === 'OPERATIONAL'), 20000);
    watched = await openWatchedPage(browser);
    page = watched.page;
  });
  after(async () => {
    await browser?.close();
    await t?.stop();
    await printer?.sim.stop();
  });

  it('signs in with a user name and password, and shows the farm live', async () => {
    await page.goto(`${t.baseUrl}/`);
    await page.waitForSelector('#signin-title');
    expect(await seriousViolations(page), 'sign-in view').to.deep.equal([]);
    await page.fill('input[name=user]', 'ada');
    await page.fill('input[name=pass]', 'wrong');
    await page.press('input[name=pass]', 'Enter');
    await page.waitForSelector('.notice:has-text("User unknown or password incorrect")');
    await page.fill('input[name=user]', 'ada');
    await page.fill('input[name=pass]', 'correct horse battery');
    await page.click('button[type=submit]');
    await page.waitForSelector('.conn[data-status="connected"]');
    expect(await page.textContent('.user')).to.contain('ada');
    // a login session, not a key: nothing in the browser's storage, the cookie is httpOnly
    expect(await page.evaluate('[sessionStorage.length, localStorage.length, document.cookie]')).to.deep.equal([0, 0, '']);
    await page.waitForSelector(`${card('mk4')}[data-state="Operational"]`);
    await page.waitForSelector(`${card('spare')}[data-state="Operational"]`);
    expect(await page.$$eval('#cards .card h2 a', (links) => links.map((a) => a.textContent))).to.deep.equal(['Workshop MK4', 'Spare Ender']);
    await page.waitForSelector(`${card('mk4')} .temps:has-text("tool0")`, { timeout: 15000 });
    // the bundled MQTT plugin's panel (its @Plugin ui), asking its own route: off, as no broker is set
    await page.waitForSelector('section[data-panel="mqtt/status"] .mqtt-status p:text-is("Off: set plugins.mqtt.url to publish events and printer state to a broker.")');
    expect(await seriousViolations(page), 'farm view').to.deep.equal([]);
  });

  it('opens the printer, preheats with PLA, homes and jogs X +10', async () => {
    await Promise.all([page.waitForURL(`${t.baseUrl}/printer/mk4/`), page.click(`${card('mk4')} h2 a`)]);
    // still signed in: the login cookie gave this page its session
    await page.waitForSelector('.conn[data-status="connected"]');
    await waitState('Operational');
    expect(await page.textContent('.crumb')).to.equal('Workshop MK4');
    await page.waitForSelector('#chart canvas');
    // the time axis spans at least a minute and never years, even from the first sample or two
    await page.waitForSelector('#chart[data-span]');
    const span = Number(await page.getAttribute('#chart', 'data-span'));
    expect(span).to.be.at.least(60).and.below(24 * 3600);
    expect(await seriousViolations(page), 'printer view').to.deep.equal([]);

    await page.click('button[data-preset="PLA"]');
    await page.waitForSelector('#temps tr[data-heater="tool0"] .target:text-is("210 °C")', { timeout: 15000 });
    await page.waitForSelector('#temps tr[data-heater="bed"] .target:text-is("60 °C")', { timeout: 15000 });
    await page.click('button[data-home="xyz"]');
    expect(await page.isChecked('input[name="jog-step"][value="10"]')).to.equal(true);
    await page.click('button[data-jog="x+"]');
    await page.waitForSelector('#terminal li:has-text("G1 X10 F")', { timeout: 15000 });
  });

  it('sends a terminal command and shows the answer; the arrow keys recall it', async () => {
    await page.fill('#terminal-input', 'M115');
    await page.press('#terminal-input', 'Enter');
    await page.waitForSelector('#terminal li.send:has-text("M115")', { timeout: 15000 });
    await page.waitForSelector('#terminal li:has-text("FIRMWARE_NAME")', { timeout: 15000 });
    expect(await page.inputValue('#terminal-input')).to.equal('');
    await page.press('#terminal-input', 'ArrowUp');
    expect(await page.inputValue('#terminal-input')).to.equal('M115');
    await page.press('#terminal-input', 'ArrowDown');
    expect(await page.inputValue('#terminal-input')).to.equal('');
  });

  it('uploads by drag and drop, prints, pauses, resumes, and cancels only after a confirmation', async () => {
    const gcode = storyGcode(20000);
    // a DataTransfer made in the page, as a drag from the desktop brings it
    const files = await page.evaluateHandle((text) => {
      const browser = globalThis as unknown as { DataTransfer: new () => { items: { add(file: unknown): void } }; File: new (parts: string[], name: string, options: object) => unknown };
      const transfer = new browser.DataTransfer();
      transfer.items.add(new browser.File([text], 'story.gcode', { type: 'text/plain' }));
      return transfer;
    }, gcode);
    await page.dispatchEvent('#drop', 'dragover', { dataTransfer: files });
    expect(await page.getAttribute('#drop', 'data-over')).to.equal('true');
    await page.dispatchEvent('#drop', 'drop', { dataTransfer: files });
    // the same file dropped beside the zone is refused there, not opened by the browser in the app's place
    const missed = await page.evaluate((transfer) => {
      const web = globalThis as unknown as { DragEvent: new (type: string, init: object) => { defaultPrevented: boolean }; document: { getElementById(id: string): { dispatchEvent(e: unknown): void } } };
      const drop = new web.DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true });
      web.document.getElementById('terminal').dispatchEvent(drop);
      return drop.defaultPrevented;
    }, files);
    expect(missed, 'a stray drop is refused').to.equal(true);
    // (the name is an element of its own, a <bdi>, which :text-is does not see through)
    await waitFor(async () => (await page.textContent('#upload-status')) === 'uploaded story.gcode', 15000);
    // then text dropped on the zone (no file): said, rather than nothing happening
    const text = await page.evaluateHandle(() => {
      const web = globalThis as unknown as { DataTransfer: new () => { setData(type: string, value: string): void } };
      const transfer = new web.DataTransfer();
      transfer.setData('text/plain', 'G28');
      return transfer;
    });
    await page.dispatchEvent('#drop', 'drop', { dataTransfer: text });
    await page.waitForSelector('#upload-errors li:text-is("Nothing was uploaded: what was dropped is no file. Drop G-code files here.")');
    const row = '#file-list tr[data-path="story.gcode"]';
    await page.click(`${row} button[data-action="print"]`);
    await waitState('Printing');
    expect(await page.textContent('#job')).to.equal('story.gcode');
    await page.waitForSelector('#completion:not([data-value=""])', { timeout: 15000 });
    // the layer preview follows the print: its first layer of ten, part of it printed
    await page.waitForSelector('#preview-layer:has-text("layer 1 of 10 · Z 0.20 mm")', { timeout: 15000 });
    await page.waitForSelector('#preview-layer:has-text("% of this layer")', { timeout: 15000 });

    await page.click('#pause');
    await waitState('Paused');
    await page.click('#resume');
    await waitState('Printing');

    // Cancel asks first; "Keep printing" keeps it printing
    await page.click('#cancel');
    const dialog = page.locator('dialog[open]');
    await dialog.waitFor();
    expect(await dialog.locator('h2').textContent()).to.equal('Cancel this print?');
    await dialog.locator('button:has-text("Keep printing")').click();
    await dialog.waitFor({ state: 'detached' }).catch(() => page.waitForSelector('dialog:not([open])', { state: 'attached' }));
    expect(await state()).to.equal('Printing');
    expect(await seriousViolations(page), 'printer view while printing').to.deep.equal([]);
    await page.click('#cancel');
    await page.locator('dialog[open] button:has-text("Cancel print")').click();
    await waitState('Operational');
    await page.waitForSelector('#events li .what:text-is("PrintCancelled")', { timeout: 15000 });
    expect(watched.errors).to.deep.equal([]);
  });

  it('a user without CONTROL, signed in with their API key, sees no motion, temperature or terminal controls, and the host refuses them', async () => {
    const viewer = await openWatchedPage(browser);
    await viewer.page.goto(`${t.baseUrl}/printer/mk4/`);
    await viewer.page.click('text=Use an API key');
    await viewer.page.fill('input[name=key]', viewerKey);
    await viewer.page.check('input[name=remember]');
    await viewer.page.click('button[type=submit]');
    await viewer.page.waitForSelector('#state:text-is("Operational")', { timeout: 15000 });
    await viewer.page.waitForSelector('#terminal');
    for (const control of ['#motion-h', 'button[data-jog]', 'button[data-preset]', '#terminal-input', '#pause', '#cancel', '#drop']) {
      expect(await viewer.page.$(control), control).to.equal(null);
    }
    // "remember me": the key is kept in this browser
    expect(await viewer.page.evaluate('localStorage.getItem("cuttle.apikey")')).to.equal(viewerKey);
    const jog = await fetch(`${t.baseUrl}/printer/mk4/api/printer/printhead`, { method: 'POST', headers: { 'X-Api-Key': viewerKey, 'Content-Type': 'application/json' }, body: JSON.stringify({ command: 'jog', x: 10 }) });
    expect(jog.status).to.equal(403);
    // signing out forgets it
    await viewer.page.click('text=Sign out');
    await viewer.page.waitForSelector('#signin-title');
    expect(await viewer.page.evaluate('[localStorage.length, sessionStorage.length]')).to.deep.equal([0, 0]);
    expect(viewer.errors).to.deep.equal([]);
    await viewer.context.close();
  });

  it('by keyboard alone, with the focus always shown: skip link, sign in, open a printer, preheat, pick a step with the arrows, jog, and cancel a print after the confirmation', async () => {
    const spare = t.get<PrinterRegistry>(PrinterRegistry).get('spare')!.printer;
    const sent: string[] = [];
    const recording = spare.onCommandSent((c) => void sent.push(c.command));
    const { context, page: kb, errors } = await openWatchedPage(browser);
    try {
      await kb.goto(`${t.baseUrl}/`);
      await kb.waitForSelector('#signin-title');
      // the user name field has the focus; back before the header is the skip link, shown, which takes the focus into the content
      expect(await focused(kb, 'input[name=user]')).to.equal(true);
      await tabTo(kb, 'a.skip', { back: true, max: 3 });
      await kb.keyboard.press('Enter');
      expect(await focused(kb, 'main')).to.equal(true);
      await tabTo(kb, 'input[name=user]');
      // as a phone's keyboard leaves it: no capital first letter, a space after the completed word
      expect(await kb.getAttribute('input[name=user]', 'autocapitalize')).to.equal('none');
      await kb.keyboard.type('ada ');
      await tabTo(kb, 'input[name=pass]');
      await kb.keyboard.type('correct horse battery');
      await kb.keyboard.press('Enter');
      await kb.waitForSelector(`${card('spare')}[data-state="Operational"]`);
      await tabTo(kb, `${card('spare')} h2 a`);
      await Promise.all([kb.waitForURL(/\/printer\/spare\/$/), kb.keyboard.press('Enter')]);
      await kb.waitForSelector('.conn[data-status="connected"]');
      await kb.waitForSelector('button[data-preset="PLA"]:not([disabled])');
      await tabTo(kb, 'button[data-preset="PLA"]');
      await kb.keyboard.press('Enter');
      await waitFor(() => sent.some((l) => /^M104 .*S210\b/.test(l)) && sent.some((l) => /^M140 .*S60\b/.test(l)), 5000, 'the preset reached the printer');
      // the step sizes are one radio group: Tab reaches the checked one, the arrows choose
      await tabTo(kb, 'input[name=jog-step]:checked');
      const before = await kb.inputValue('input[name=jog-step]:checked');
      await kb.keyboard.press('ArrowLeft');
      const step = await kb.inputValue('input[name=jog-step]:checked');
      expect(step).to.not.equal(before);
      await tabTo(kb, 'button[data-jog="x+"]');
      await kb.keyboard.press('Space');
      const jogAt = () => sent.findIndex((l) => l.startsWith(`G1 X${step} `));
      await waitFor(() => jogAt() > 0 && sent.length > jogAt() + 1, 5000, 'the jog reached the printer');
      const jog = jogAt();
      expect(sent.slice(jog - 1, jog + 2).map((l) => l.split(' ')[0])).to.deep.equal(['G91', 'G1', 'G90']);
      // a print, cancelled by keyboard: Escape keeps it and gives the focus back; the second time it is cancelled
      const form = new FormData();
      form.append('file', new Blob([longPrint(400)]), 'keys.gcode');
      form.append('print', 'true');
      expect((await fetch(`${t.baseUrl}/printer/spare/api/files/local`, { method: 'POST', headers: { 'X-Api-Key': t.apiKey }, body: form })).status).to.equal(201);
      await kb.waitForSelector('#cancel:not([disabled])', { timeout: 15000 });
      await tabTo(kb, '#cancel');
      await kb.keyboard.press('Enter');
      await kb.waitForSelector('dialog[open]');
      expect(await focused(kb, 'dialog[open] button:not(.danger)')).to.equal(true);
      // the focus stays in the dialog
      for (let i = 0; i < 4; i++) {
        await kb.keyboard.press('Tab');
        expect(await focused(kb, 'dialog[open] *'), 'Tab stays in the dialog').to.equal(true);
        expect(await focusShown(kb)).to.equal(true);
      }
      await kb.keyboard.press('Escape');
      await kb.waitForSelector('dialog[open]', { state: 'detached' });
      expect(await focused(kb, '#cancel'), 'the focus is back on Cancel').to.equal(true);
      expect(spare.snapshot().state.id).to.equal('PRINTING');
      await kb.keyboard.press('Enter');
      await kb.waitForSelector('dialog[open]');
      await tabTo(kb, 'dialog[open] button.danger', { max: 3 });
      await kb.keyboard.press('Enter');
      // the cancel reached the host (the printer then finishes its moves in the queue before it is Operational)
      await waitFor(() => ['CANCELLING', 'OPERATIONAL'].includes(spare.snapshot().state.id), 15000, 'the print cancelled');
      await kb.waitForSelector('#state:text-matches("Cancelling|Operational")');
      // Cancel is disabled now: the focus is in its panel (it fell to the body, and the next Tab began at the top)
      expect(await focused(kb, '#printer'), 'the focus is on the printer panel').to.equal(true);
      await kb.keyboard.press('Tab');
      expect(await focused(kb, '#printer *, #printer ~ *, #printer ~ * *'), 'Tab goes on from the panel, not from the top').to.equal(true);
      expect(errors).to.deep.equal([]);
    } finally {
      recording.dispose();
      await context.close();
    }
  });

  it('the simulator executed what the controls sent: the preset, home, jog, the terminal command, the print', async () => {
    const executed = await printer.executed();
    const after = (from: number, command: string | RegExp) => executed.findIndex((c, i) => i > from && (typeof command === 'string' ? c === command : command.test(c)));
    const m104 = after(-1, /^M104 (T0 )?S210$/);
    const m140 = after(-1, 'M140 S60');
    expect(m104, 'M104 S210').to.be.at.least(0);
    expect(m140, 'M140 S60').to.be.at.least(0);
    const home = after(Math.max(m104, m140), 'G28 X0 Y0 Z0');
    expect(executed.slice(home - 1, home + 2)).to.deep.equal(['G91', 'G28 X0 Y0 Z0', 'G90']);
    const jog = after(home, /^G1 X10 F\d+$/);
    expect(executed.slice(jog - 1, jog + 2)).to.deep.equal(['G91', 'G1 X10 F6000', 'G90']);
    const m115 = after(jog, 'M115');
    expect(m115, 'M115 after the jog').to.be.above(jog);
    // the print: its first moves came after, and it was cut short by the cancel
    const firstMove = after(m115, 'G1 X10 Y10 E0.00 F3000');
    expect(firstMove, "the file's first move").to.be.above(m115);
    expect(executed.filter((c) => /^G1 X\d+ Y\d+ E/.test(c)).length).to.be.above(0).and.below(20000);
  });
});
