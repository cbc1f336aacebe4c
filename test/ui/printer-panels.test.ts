/**
 * A printer page's other panels in Chromium under the page's own CSP: a file moved into a new folder,
 * downloaded (the bytes as uploaded) and deleted, with its analysis; a plugin's panel mounted with the
 * panel API (and one needing SYSTEM kept from a read-only user); the webcam's test pattern; a timelapse
 * made by the real ffmpeg played in the page; axe-core with a plugin panel shown; a plugin's tab chosen
 * by keyboard, mounted and unmounted; panels of a plugin started and stopped while the page is open;
 * a card's panel hearing its own printer's events.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { APIResponse, Browser, Dialog, Page, Request, Route } from 'playwright-core';
import { AuthManager } from '../../core/auth/api.js';
import { PrinterRegistry } from '../../core/printers/printer-registry.js';
import { SettingsService } from '../../core/settings/settings-service.js';
import { EventBus } from '../../core/events/event-bus.js';
import { UiPanels } from '../../core/ui/panels.js';
import { PluginUiReader } from '../../core/ui/plugin-ui.js';
import { SMALL_GCODE } from '../api/support.js';
import { startTestHost, type TestHost } from '../support/host.js';
import { waitFor } from '../support/wait.js';
import { launchChromium, openWatchedPage, outsideTheirPanel, seriousViolations, storyGcode, type WatchedPage } from './support.js';

/** A panel module as a plugin ships it (one .js file in its folder), exporting `mount(element, api)` with this body. */
function panelFolder(file: string, mountBody: string): { dir: string; module: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cuttle-ui-module-'));
  const module = path.join(dir, file);
  fs.writeFileSync(module, `export function mount(element, api) {\n${mountBody}\n}`);
  return { dir, module };
}

describe("web app: a printer page's files, plugin panels, webcam and timelapses in Chromium", function () {
  this.timeout(60000);
  let t: TestHost;
  let browser: Browser;
  let watched: WatchedPage;
  let page: Page;

  before(async () => {
    [t, browser] = await Promise.all([
      startTestHost({ config: { printers: [{ id: 'p1', name: 'Bench Prusa', connection: { port: 'virtual', autoconnect: true } }], serial: { temperatureInterval: 1, virtual: { speedFactor: 20 } } } }),
      launchChromium(),
    ]);
    const registry = t.get<PrinterRegistry>(PrinterRegistry);
    await waitFor(() => registry.get('p1')?.printer.snapshot().state.id === 'OPERATIONAL', 15000);
    const form = new FormData();
    form.append('file', new Blob([SMALL_GCODE]), 'done.gcode');
    expect((await fetch(`${t.baseUrl}/api/files/local`, { method: 'POST', headers: { 'X-Api-Key': t.apiKey }, body: form })).status).to.equal(201);
    watched = await openWatchedPage(browser);
    page = watched.page;
    await page.goto(`${t.baseUrl}/printer/p1/?apikey=${t.apiKey}`);
    await page.waitForSelector('.conn[data-status="connected"]');
  });
  after(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('keeps the newest files list when an older answer arrives last', async () => {
    // the list asked for at load is answered late, with what the host held then (seen in CI: the list
    // asked for when the file's analysis finished came first, and the older one put "no analysis" back)
    const list = '**/api/files/local?recursive=true';
    let held: { route: Route; response: APIResponse } | undefined;
    await page.route(list, async (route) => {
      if (held) return route.continue();
      held = { route, response: await route.fetch() };
    });
    try {
      await page.goto(`${t.baseUrl}/printer/p1/`);
      await waitFor(() => held, 10000, 'the first list request');
      // a new file: FileAdded makes the page ask again, and that answer comes first
      const form = new FormData();
      form.append('file', new Blob([SMALL_GCODE]), 'late.gcode');
      expect((await fetch(`${t.baseUrl}/api/files/local`, { method: 'POST', headers: { 'X-Api-Key': t.apiKey }, body: form })).status).to.equal(201);
      await page.waitForSelector('#file-list tr[data-path="late.gcode"]');
      const stale = held!.route.request();
      await Promise.all([page.waitForEvent('requestfinished', (r) => r === stale), held!.route.fulfill({ response: held!.response })]);
      // the page has taken the stale answer in (a frame later) and still lists the new file
      await page.evaluate('new Promise(requestAnimationFrame)');
      expect(await page.$('#file-list tr[data-path="late.gcode"]')).to.not.equal(null);
    } finally {
      await page.unroute(list);
    }
    expect((await fetch(`${t.baseUrl}/api/files/local/late.gcode`, { method: 'DELETE', headers: { 'X-Api-Key': t.apiKey } })).status).to.equal(204);
  });

  it('says why the files could not be listed, until a listing works again', async () => {
    const list = '**/api/files/local?recursive=true';
    let refused = 0;
    await page.route(list, (route) => (refused++ ? route.continue() : route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: 'the storage is not mounted' }) })));
    try {
      await page.goto(`${t.baseUrl}/printer/p1/`);
      const notice = 'section[aria-labelledby="files-h"] .notice:has-text("the storage is not mounted")';
      await page.waitForSelector(notice);
      // a new file: FileAdded makes the page list again, and this time the listing works
      const form = new FormData();
      form.append('file', new Blob([SMALL_GCODE]), 'listed.gcode');
      expect((await fetch(`${t.baseUrl}/api/files/local`, { method: 'POST', headers: { 'X-Api-Key': t.apiKey }, body: form })).status).to.equal(201);
      await page.waitForSelector('#file-list tr[data-path="listed.gcode"]');
      await page.waitForSelector(notice, { state: 'detached' });
    } finally {
      await page.unroute(list);
    }
    expect((await fetch(`${t.baseUrl}/api/files/local/listed.gcode`, { method: 'DELETE', headers: { 'X-Api-Key': t.apiKey } })).status).to.equal(204);
    // the refusal is the browser's own log line of the 503, no script error
    expect(watched.errors.filter((e) => !/status of 503/.test(e))).to.deep.equal([]);
    watched.errors.length = 0;
  });

  it("moves a file into a new folder, opens the folder, downloads and deletes the file from the printer's page", async () => {
    await page.goto(`${t.baseUrl}/printer/p1/`);
    const row = (p: string) => `#file-list tr[data-path="${p}"]`;
    await page.waitForSelector(row('done.gcode'));
    // its analysis is shown beside it
    await page.waitForSelector(`${row('done.gcode')} .analysis`, { timeout: 15000 });
    page.once('dialog', (d) => void d.accept('parts'));
    await page.click('button:has-text("New folder")');
    await page.waitForSelector(`${row('parts')}[data-type="folder"]`);
    page.once('dialog', (d) => void d.accept('parts/moved.gcode'));
    await page.click(`${row('done.gcode')} button[data-action="move"]`);
    await page.waitForSelector(row('done.gcode'), { state: 'detached' });
    await page.click(`${row('parts')} button:has-text("parts")`);
    await page.waitForSelector(row('parts/moved.gcode'));
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(`${row('parts/moved.gcode')} button[data-action="download"]`)]);
    expect(download.suggestedFilename()).to.equal('moved.gcode');
    expect(fs.readFileSync((await download.path())!, 'utf8')).to.equal(SMALL_GCODE);
    page.once('dialog', (d) => void d.accept());
    await page.click(`${row('parts/moved.gcode')} button[data-action="delete"]`);
    await page.waitForSelector(row('parts/moved.gcode'), { state: 'detached' });
    const listed = (await (await fetch(`${t.baseUrl}/api/files/local?recursive=true`, { headers: { 'X-Api-Key': t.apiKey } })).json()) as { files: { path: string; children?: { path: string }[] }[] };
    expect(listed.files.map((f) => [f.path, (f.children ?? []).map((c) => c.path)])).to.deep.include(['parts', []]);
    expect(listed.files.map((f) => f.path)).not.to.include('done.gcode');
    expect(watched.errors).to.deep.equal([]);
  });

  it('uploads several files at once: each refusal stays listed with the host\'s reason; odd names stay text, and isolated', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.goto(`${t.baseUrl}/printer/p1/`);
      await page.waitForSelector('#upload-input');
      const odd = ['my part v2 (final).gcode', 'pièce-été.gcode', 'abc\u202Eedoc.gcode', 'שלום.gcode'];
      const gcode = (name: string) => ({ name, mimeType: 'text/plain', buffer: Buffer.from('G28\n') });
      await page.setInputFiles('#upload-input', [{ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') }, gcode(odd[0]!), gcode(`${'x'.repeat(300)}.gcode`), ...odd.slice(1).map(gcode)]);
      await page.waitForSelector('#upload-errors li:nth-child(2)', { timeout: 15000 });
      expect(await page.$$eval('#upload-errors li', (items) => items.map((i) => i.textContent))).to.deep.equal([
        'notes.txt was not uploaded: "notes.txt" is not a supported file type (gcode, gco, g, stl)',
        `${'x'.repeat(300)}.gcode was not uploaded: names are limited to 255 bytes`,
      ]);
      expect(await page.textContent('#upload-status')).to.equal(`uploaded ${odd.join(', ')}`);
      // each name in its own isolate: the override inside one turns no word after it
      expect(await page.$$eval('#upload-status bdi', (names) => names.map((n) => n.textContent))).to.deep.equal(odd);
      for (const name of odd) await page.waitForSelector(`#file-list tr[data-path=${JSON.stringify(name)}]`);
      expect(await page.evaluate('document.documentElement.scrollWidth')).to.equal(390);
      expect(await seriousViolations(page)).to.deep.equal([]);
      // leaving the page while an upload is on its way asks first (held here until the question was answered)
      let release = () => {};
      const held = new Promise<void>((resolve) => (release = resolve));
      await page.route('**/api/files/local', async (route) => {
        await held;
        await route.continue();
      });
      const asked: string[] = [];
      const answer = (d: Dialog) => void (asked.push(d.type()), d.dismiss());
      page.on('dialog', answer);
      try {
        await page.click('#files-h');
        await page.setInputFiles('#upload-input', [gcode('slow.gcode')]);
        await page.waitForSelector('#upload-status:has-text("uploading")');
        await page.close({ runBeforeUnload: true });
        await waitFor(() => asked.length > 0, 5000, 'the question before leaving');
        expect(asked).to.deep.equal(['beforeunload']);
        expect(page.isClosed()).to.equal(false);
      } finally {
        release();
        page.off('dialog', answer);
      }
      await waitFor(async () => (await page.textContent('#upload-status')) === 'uploaded slow.gcode', 10000);
      await page.unroute('**/api/files/local');
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
    // the two refusals are the browser's own log lines of the host's answers, no script error
    expect(watched.errors.filter((e) => !/status of (400|415)/.test(e))).to.deep.equal([]);
    watched.errors.length = 0;
  });

  it("shows a plugin's panel on the printer's page, mounted with the panel API; a panel needing a permission only to those who hold it", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cuttle-ui-panel-'));
    const module = path.join(dir, 'panel.js');
    fs.writeFileSync(
      module,
      `export function mount(element, api) {
        const state = document.createElement('p');
        state.className = 'demo-state';
        element.append(state);
        const off = api.onCurrent((s) => { state.textContent = api.printer + ': ' + s.state.text; });
        api.request('GET', 'api/job').then((job) => {
          const line = document.createElement('p');
          line.className = 'demo-job';
          line.textContent = api.user.name + ' sees ' + job.state;
          element.append(line);
        });
        return off;
      }`,
    );
    const panels = t.get<UiPanels>(UiPanels);
    const shown = panels.register({ owner: 'demo', id: 'status', title: 'Demo status', location: 'printer', module });
    const secret = panels.register({ owner: 'demo', id: 'system', title: 'Demo system', location: 'printer', module, permission: 'SYSTEM' });
    try {
      await page.goto(`${t.baseUrl}/printer/p1/`);
      await page.waitForSelector('section[data-panel="demo/status"] h2:text-is("Demo status")');
      await page.waitForSelector('section[data-panel="demo/status"] .demo-state:text-is("p1: Operational")', { timeout: 15000 });
      await page.waitForSelector('section[data-panel="demo/status"] .demo-job:text-is("_api sees Operational")');
      // the host key holds every permission; a readonly user does not see the SYSTEM panel
      await page.waitForSelector('section[data-panel="demo/system"]');
      const auth = t.get<AuthManager>(AuthManager);
      await auth.users.add('ro', { groups: ['readonly'] });
      const key = auth.users.addKey('ro', 'test');
      const listed = (await (await fetch(`${t.baseUrl}/api/ui/panels`, { headers: { 'X-Api-Key': key } })).json()) as { panels: { owner: string; id: string; url: string }[] };
      // (the bundled MQTT plugin's panel is listed too)
      expect(listed.panels.filter((p) => p.owner === 'demo').map((p) => [p.id, p.url])).to.deep.equal([['status', 'ui-panels/demo/status.js']]);
      expect((await fetch(`${t.baseUrl}/ui-panels/demo/nope.js`)).status).to.equal(404);
      expect(await seriousViolations(page), 'printer view with a plugin panel').to.deep.equal([]);
      expect(watched.errors).to.deep.equal([]);
      // the same module as a section of each farm card: its printer, and that printer's state from the farm's push
      const card = panels.register({ owner: 'demo', id: 'card', title: 'Demo card', location: 'card', module });
      try {
        await page.goto(`${t.baseUrl}/`);
        await page.waitForSelector('#cards .card[data-printer="p1"] section[data-panel="demo/card"] h3:text-is("Demo card")');
        await page.waitForSelector('#cards .card[data-printer="p1"] section[data-panel="demo/card"] .demo-state:text-is("p1: Operational")', { timeout: 15000 });
        expect(await seriousViolations(page), 'farm view with a card section').to.deep.equal([]);
        expect(watched.errors).to.deep.equal([]);
      } finally {
        card.dispose();
      }
      // and as a page of the settings: no printer there
      const settings = panels.register({ owner: 'demo', id: 'setup', title: 'Demo setup', location: 'settings', module });
      try {
        // (a new page view: the farm's list of panels, asked once per view, had no such panel)
        await page.goto(`${t.baseUrl}/#/settings`);
        await page.reload();
        await page.waitForSelector('section[data-panel="demo/setup"] h2:text-is("Demo setup")');
        await page.waitForSelector('section[data-panel="demo/setup"] .demo-job:text-is("_api sees Operational")');
        expect(await page.$('section[data-panel="demo/status"]')).to.equal(null);
        expect(watched.errors).to.deep.equal([]);
      } finally {
        settings.dispose();
      }
    } finally {
      shown.dispose();
      secret.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("adds a plugin's tab to the printer page while the page is open, selected by keyboard, mounted while selected and disposed when left; drops it when the plugin stops", async () => {
    const { dir } = panelFolder(
      'tab.js',
      `window.tabMounts = (window.tabMounts || 0) + 1;
      const p = document.createElement('p');
      p.className = 'demo-tab';
      element.append(p);
      const off = api.onCurrent((s) => { p.textContent = api.printer + ' in a tab: ' + s.state.text; });
      return () => { off.dispose(); window.tabDisposals = (window.tabDisposals || 0) + 1; };`,
    );
    await page.goto(`${t.baseUrl}/printer/p1/`);
    await page.waitForSelector('.conn[data-status="connected"]');
    // no plugin tab: no tab list
    expect(await page.$('[role="tablist"]')).to.equal(null);
    // the page is not reloaded from here on: a mark on its window stays
    await page.evaluate('window.unreloaded = true');
    // a plugin starting now, as the plugin host applies its `ui` (checked against its folder)
    const info = { id: 'tabby', name: 'Tabby', version: '1.0.0', description: 'a tab', ui: [{ id: 'view', title: 'Tabby view', location: 'tab' as const, module: 'tab.js' }] };
    const running = new PluginUiReader(t.get<UiPanels>(UiPanels)).apply(info, dir);
    try {
      await page.waitForSelector('[role="tablist"] [role="tab"]:text-is("Tabby view")');
      expect(await page.getAttribute('#tab-printer', 'aria-selected')).to.equal('true');
      expect(await page.isVisible('#tabpanel-printer')).to.equal(true);
      expect(await page.evaluate('window.tabMounts ?? 0')).to.equal(0);
      // the arrow key moves the focus and the selection to the plugin's tab, which mounts its module
      await page.focus('#tab-printer');
      await page.keyboard.press('ArrowRight');
      await page.waitForSelector('#tabpanel-tabby-view .demo-tab:text-is("p1 in a tab: Operational")', { timeout: 15000 });
      expect(await page.getAttribute('#tab-tabby-view', 'aria-selected')).to.equal('true');
      expect(await page.getAttribute('#tab-printer', 'aria-selected')).to.equal('false');
      expect(await page.evaluate('document.activeElement?.id')).to.equal('tab-tabby-view');
      expect(await page.getAttribute('#tab-tabby-view', 'tabindex')).to.equal('0');
      expect(await page.getAttribute('#tab-printer', 'tabindex')).to.equal('-1');
      expect(await page.isVisible('#tabpanel-printer')).to.equal(false);
      expect(await seriousViolations(page), 'printer view with a plugin tab').to.deep.equal([]);
      // Home goes back to the printer's own sections: the tab's module is disposed
      await page.keyboard.press('Home');
      await page.waitForSelector('#tabpanel-tabby-view', { state: 'detached' });
      expect(await page.evaluate('document.activeElement?.id')).to.equal('tab-printer');
      expect(await page.evaluate('[window.tabMounts, window.tabDisposals]')).to.deep.equal([1, 1]);
      // a click selects it again (a second mount)
      await page.click('#tab-tabby-view');
      await page.waitForSelector('#tabpanel-tabby-view .demo-tab');
      expect(await seriousViolations(page), 'printer view with a plugin tab selected').to.deep.equal([]);
    } finally {
      running.dispose();
    }
    // the plugin stopped: its tab (and the tab list) go, its module is disposed, the page's own sections are back
    await page.waitForSelector('[role="tablist"]', { state: 'detached' });
    // disposed with the tab, or soon after on a loaded machine (seen once: [2, 1] read as the tab list went)
    await waitFor(async () => JSON.stringify(await page.evaluate('[window.tabMounts, window.tabDisposals]')) === '[2,2]', 5000, 'the tab mounted twice and disposed twice');
    expect(await page.evaluate('window.unreloaded')).to.equal(true);
    expect(watched.errors).to.deep.equal([]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the selected tab in the address: a reload or a shared link opens it, back and forward move between tabs, the skip link keeps it', async () => {
    const { dir, module } = panelFolder('kept.js', `const p = document.createElement('p'); p.className = 'kept-tab'; p.textContent = 'kept'; element.append(p);`);
    const panel = t.get<UiPanels>(UiPanels).register({ owner: 'demo', id: 'kept', title: 'Kept view', location: 'tab', module });
    try {
      await page.goto(`${t.baseUrl}/printer/p1/`);
      await page.click('#tab-demo-kept');
      await page.waitForSelector('#tabpanel-demo-kept .kept-tab');
      expect(new URL(page.url()).hash).to.equal('#/tab/demo-kept');
      // a reload opens the same tab (its panels are listed after the page loads)
      await page.reload();
      await page.waitForSelector('#tabpanel-demo-kept .kept-tab');
      expect(await page.getAttribute('#tab-demo-kept', 'aria-selected')).to.equal('true');
      // the skip link moves the focus, not the page away from its tab
      await page.focus('a.skip');
      await page.keyboard.press('Enter');
      expect(await page.evaluate('document.activeElement?.id')).to.equal('main');
      expect(await page.isVisible('#tabpanel-demo-kept .kept-tab')).to.equal(true);
      // the printer's own sections: the hash goes; back returns to the tab, forward leaves it again
      await page.click('#tab-printer');
      await page.waitForSelector('#tabpanel-demo-kept', { state: 'detached' });
      expect(new URL(page.url()).hash).to.equal('');
      await page.goBack();
      await page.waitForSelector('#tabpanel-demo-kept .kept-tab');
      await page.goForward();
      await page.waitForSelector('#tabpanel-demo-kept', { state: 'detached' });
      expect(await page.isVisible('#tabpanel-printer')).to.equal(true);
      // a link shared with the tab opens it in a new page
      const shared = await browser.newPage();
      try {
        await shared.goto(`${t.baseUrl}/printer/p1/?apikey=${t.apiKey}#/tab/demo-kept`);
        await shared.waitForSelector('#tabpanel-demo-kept .kept-tab');
      } finally {
        await shared.close();
      }
    } finally {
      panel.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("gives a card's panel its own printer's events (and the shared ones), a farm panel every printer's; panels come and go on the farm without a reload", async () => {
    const { dir, module } = panelFolder(
      'events.js',
      `const list = document.createElement('ul');
      list.className = 'demo-events';
      element.append(list);
      return api.onEvent((e) => {
        if (e.type !== 'ZChange') return;
        const item = document.createElement('li');
        item.textContent = (e.printer || 'shared') + ' ' + e.payload.new;
        list.append(item);
      });`,
    );
    await page.goto(`${t.baseUrl}/`);
    await page.waitForSelector('#cards .card[data-printer="p1"]');
    await page.evaluate('window.unreloaded = true');
    const panels = t.get<UiPanels>(UiPanels);
    const card = panels.register({ owner: 'demo', id: 'card-events', title: 'Card events', location: 'card', module });
    const farm = panels.register({ owner: 'demo', id: 'farm-events', title: 'Farm events', location: 'farm', module });
    try {
      const cardList = '#cards .card[data-printer="p1"] section[data-panel="demo/card-events"] .demo-events';
      const farmList = 'section[data-panel="demo/farm-events"] .demo-events';
      await page.waitForSelector(cardList, { state: 'attached' });
      await page.waitForSelector(farmList, { state: 'attached' });
      const bus = t.get<EventBus>(EventBus);
      bus.fire('ZChange', { old: 0, new: 7, printer: 'p2' });
      bus.fire('ZChange', { old: 0, new: 3, printer: 'p1' });
      await page.waitForSelector(`${farmList} li:text-is("p1 3")`);
      await page.waitForSelector(`${cardList} li:text-is("p1 3")`);
      // the farm panel heard the other printer's event before it, the card's did not
      expect(await page.$$eval(`${farmList} li`, (items) => items.map((i) => i.textContent))).to.deep.equal(['p2 7', 'p1 3']);
      expect(await page.$$eval(`${cardList} li`, (items) => items.map((i) => i.textContent))).to.deep.equal(['p1 3']);
    } finally {
      card.dispose();
      farm.dispose();
    }
    await page.waitForSelector('section[data-panel="demo/farm-events"]', { state: 'detached' });
    await page.waitForSelector('section[data-panel="demo/card-events"]', { state: 'detached' });
    expect(await page.evaluate('window.unreloaded')).to.equal(true);
    expect(watched.errors).to.deep.equal([]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("shows a rename of its printer at once, without a reload", async () => {
    await page.goto(`${t.baseUrl}/printer/p1/`);
    await page.waitForSelector('.crumb:text-is("Bench Prusa")');
    const renamed = await fetch(`${t.baseUrl}/api/printers/p1`, { method: 'PATCH', headers: { 'X-Api-Key': t.apiKey, 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'Bench Prusa MK4' }) });
    expect(renamed.status).to.equal(200);
    await page.waitForSelector('.crumb:text-is("Bench Prusa MK4")');
    expect(await page.title()).to.equal('Bench Prusa MK4 · cuttle');
    expect(watched.errors).to.deep.equal([]);
  });

  it("keeps a phone's header to two lines on a printer's page: a long name ends in an ellipsis, whole for screen readers; a long user name too", async () => {
    const long = 'The printer in the back room by the window <b>bold</b> \u202Eedoc.gcode';
    const rename = (name: string) =>
      fetch(`${t.baseUrl}/api/printers/p1`, { method: 'PATCH', headers: { 'X-Api-Key': t.apiKey, 'Content-Type': 'application/json' }, body: JSON.stringify({ name }) });
    type Header = { lines: number; truncated: boolean; title: string; width: number; label: string; user: string };
    const measure = async (on: Page) =>
      (await on.evaluate(`(() => {
        const boxes = [...document.querySelector('header.top').children].map((c) => c.getBoundingClientRect()).sort((a, b) => a.top - b.top);
        let lines = 0, bottom = -1;
        for (const box of boxes) if (box.top >= bottom - 1) { lines++; bottom = box.bottom; } else bottom = Math.max(bottom, box.bottom);
        const crumb = document.querySelector('.crumb');
        return { lines, truncated: crumb.scrollWidth > crumb.clientWidth, title: crumb.title, width: document.documentElement.scrollWidth, label: crumb.innerHTML, user: document.querySelector('.user .muted').title };
      })()`)) as Header;
    expect((await rename(long)).status).to.equal(200);
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.goto(`${t.baseUrl}/printer/p1/`);
      await page.waitForSelector('.conn[data-status="connected"]');
      await waitFor(async () => (await page.textContent('.crumb')) === long, 10000);
      const header = await measure(page);
      expect(header.lines, 'lines of the header').to.equal(2);
      expect(header.truncated, 'the name ends in an ellipsis').to.equal(true);
      // the whole name is the element's text (what a screen reader reads) and its title; the markup in it is text
      expect(header.title).to.equal(long);
      expect(header.label).to.not.contain('<b>');
      expect(header.width).to.equal(390);
      // the Tab order is the DOM's: the brand, the sections, then Sign out
      const order = await page.$$eval('header.top a, header.top button', (els) => els.map((e) => e.textContent?.trim()));
      expect(order).to.deep.equal(['cuttle', 'Printers', 'History', 'Event log', 'Settings', 'Sign out']);
      expect(await seriousViolations(page)).to.deep.equal([]);
      // signed in as a user named by a long e-mail address: still two lines, Sign out on one
      const email = 'margaret.hamilton-longname@workshop-example.com';
      await t.get<AuthManager>(AuthManager).users.add(email, { password: 'long enough secret' });
      const phone = await openWatchedPage(browser, { width: 390, height: 844 });
      try {
        await phone.page.goto(`${t.baseUrl}/printer/p1/`);
        await phone.page.fill('input[name=user]', email);
        await phone.page.fill('input[name=pass]', 'long enough secret');
        await phone.page.click('button[type=submit]');
        await phone.page.waitForSelector('.conn[data-status="connected"]');
        await waitFor(async () => (await phone.page.textContent('.crumb')) === long, 10000);
        const signedIn = await measure(phone.page);
        expect(signedIn.lines, 'lines of the header with a long user name').to.equal(2);
        expect(signedIn.user).to.equal(email);
        expect(signedIn.width).to.equal(390);
        expect((await phone.page.$eval('.user button', (b) => b.getBoundingClientRect().height)) < 48, 'Sign out on one line').to.equal(true);
        expect(phone.errors).to.deep.equal([]);
      } finally {
        await phone.context.close();
      }
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
      expect((await rename('Bench Prusa MK4')).status).to.equal(200);
    }
    expect(watched.errors).to.deep.equal([]);
  });

  it('in a hurry: a double click sends once (Print, Pause, Resume, the confirmed Cancel), and the focus is not dropped after the dialog', async () => {
    const form = new FormData();
    form.append('file', new Blob([storyGcode(20000)]), 'hurry.gcode');
    expect((await fetch(`${t.baseUrl}/api/files/local`, { method: 'POST', headers: { 'X-Api-Key': t.apiKey }, body: form })).status).to.equal(201);
    await page.goto(`${t.baseUrl}/printer/p1/`);
    await page.waitForSelector('.conn[data-status="connected"]');
    const sent: string[] = [];
    const record = (r: Request) => r.method() === 'POST' && /api\/(job|files\/local\/)/.test(r.url()) && sent.push(`${new URL(r.url()).pathname} ${r.postData() ?? ''}`);
    page.on('request', record);
    try {
      await page.dblclick('#file-list tr[data-path="hurry.gcode"] button[data-action="select"]');
      await page.waitForSelector('#job:text-is("hurry.gcode")');
      await page.waitForSelector('#print:not([disabled])');
      await page.dblclick('#print');
      await page.waitForSelector('#state:text-is("Printing")', { timeout: 15000 });
      await page.dblclick('#pause');
      await page.waitForSelector('#state:text-is("Paused")', { timeout: 15000 });
      await page.dblclick('#resume');
      await page.waitForSelector('#state:text-is("Printing")', { timeout: 15000 });
      // Escape and at once Enter again, a few times: the confirmation opens each time (the first one's late
      // 'close' closed the second one, one time in ten)
      await page.focus('#cancel');
      for (let i = 0; i < 6; i++) {
        await page.keyboard.press('Enter');
        await page.waitForSelector('dialog[open]', { timeout: 2000 });
        await page.keyboard.press('Escape');
      }
      expect(await page.textContent('#state')).to.equal('Printing');
      await page.click('#cancel');
      // the confirmation's second click came while its dialog was closing: a second Cancel, which the host refused
      await page.dblclick('dialog[open] button:text-is("Cancel print")');
      await page.waitForSelector('#state:text-is("Operational")', { timeout: 15000 });
      expect(sent.map((r) => r.replace(/^\/printer\/p1/, ''))).to.deep.equal([
        '/api/files/local/hurry.gcode {"command":"select"}',
        '/api/job {"command":"start"}',
        '/api/job {"command":"pause","action":"pause"}',
        '/api/job {"command":"pause","action":"resume"}',
        '/api/job {"command":"cancel"}',
      ]);
      expect(await page.$$eval('#printer .notice', (n) => n.map((e) => e.textContent))).to.deep.equal([]);
      // Cancel is disabled now, and the focus was not dropped on the body (by keyboard it goes to the panel: the newcomer's test)
      expect(await page.evaluate('document.activeElement !== document.body')).to.equal(true);
      // a step button is the exception: X+ tapped twice quickly is two steps, as in OctoPrint and Mainsail
      const jogs: string[] = [];
      const recordJog = (r: Request) => r.method() === 'POST' && r.url().endsWith('/api/printer/printhead') && jogs.push(r.postData() ?? '');
      page.on('request', recordJog);
      const jog = 'button[data-jog="x+"]:not([disabled])';
      const box = (await (await page.waitForSelector(jog)).boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      // a person's second tap: the same double click (detail 2), once the first jog was answered
      await page.mouse.down({ clickCount: 1 });
      await page.mouse.up({ clickCount: 1 });
      await page.waitForSelector(jog);
      await page.mouse.down({ clickCount: 2 });
      await page.mouse.up({ clickCount: 2 });
      await waitFor(() => jogs.length >= 2, 5000, `two jogs (${JSON.stringify(jogs)})`);
      page.off('request', recordJog);
      expect(jogs.map((j) => (JSON.parse(j) as { command: string }).command)).to.deep.equal(['jog', 'jog']);
    } finally {
      page.off('request', record);
    }
    expect(watched.errors).to.deep.equal([]);
  });

  it('reads what a hurried hand types: a decimal comma; says why it sends nothing for no number or a value out of range, and shows the host\'s reason', async () => {
    const registry = t.get<PrinterRegistry>(PrinterRegistry);
    const target = () => registry.get('p1')!.printer.snapshot().temperatures['tool0']?.target;
    await page.goto(`${t.baseUrl}/printer/p1/`);
    const field = 'tr[data-heater="tool0"] input';
    await page.waitForSelector(field);
    const sent: string[] = [];
    const record = (r: Request) => r.method() === 'POST' && /api\/printer\//.test(r.url()) && sent.push(r.postData() ?? '');
    page.on('request', record);
    const temps = 'section[aria-labelledby="temps-h"] .notice';
    const motion = 'section[aria-labelledby="motion-h"] .notice';
    try {
      // a decimal comma is a decimal point (a number field read "210,5" as 2105)
      await page.fill(field, '210,5');
      await page.press(field, 'Enter');
      await waitFor(() => target() === 210.5, 10000);
      expect(await page.inputValue(field)).to.equal('');
      // a three-figure target, the widest row: its field, Set and Off stay inside the panel (Off sat
      // against its edge on a desktop), and nothing scrolls sideways, on a desktop and on a phone
      await page.waitForSelector('tr[data-heater="tool0"] .target:text-is("211 °C")');
      try {
        for (const size of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
          await page.setViewportSize(size);
          // the chart follows its new width in the next frame (a ResizeObserver)
          await page.evaluate('new Promise((frame) => requestAnimationFrame(() => requestAnimationFrame(frame)))');
          expect(await outsideTheirPanel(page), `${size.width} px`).to.deep.equal([]);
          expect(await page.evaluate('document.documentElement.scrollWidth'), `${size.width} px`).to.equal(size.width);
        }
      } finally {
        await page.setViewportSize({ width: 1280, height: 900 });
      }
      // not a number: said at the panel, the field marked, nothing sent
      for (const [typed, reason] of [['', 'Enter the target of tool0 in °C.'], ['hot', '“hot” is not a number: enter the target of tool0 in °C.']]) {
        await page.fill(field, typed);
        await page.press(field, 'Enter');
        await page.waitForSelector(`${temps}:has-text(${JSON.stringify(reason)})`);
        expect(await page.getAttribute(field, 'aria-invalid')).to.equal('true');
      }
      // out of range: the host's reason, and what was typed stays to be corrected
      for (const typed of ['-5', '1000']) {
        await page.fill(field, typed);
        await page.press(field, 'Enter');
        await page.waitForSelector(`${temps}:has-text("temperatures must be between 0 and 400")`);
        await page.click(`${temps} button[aria-label="Dismiss"]`);
        expect(await page.inputValue(field)).to.equal(typed);
      }
      expect(target()).to.equal(210.5);
      // motion values the app bounds itself: nothing reaches the printer
      const motionField = (label: string) => `section[aria-labelledby="motion-h"] label:has-text("${label}") input`;
      for (const [label, button, typed, reason] of [
        ['Filament', 'Extrude', '1000', 'The filament length must be from 0.1 to 100 mm.'],
        ['Filament', 'Retract', '', 'Enter the filament length in mm.'],
        ['Fan', 'Set fan', '-5', 'The fan speed must be from 0 to 100 %.'],
        ['Flow', 'Set flow', '1000', 'The flow rate must be from 75 to 125 %.'],
        ['Feed rate', 'Set feed', 'fast', '“fast” is not a number: enter the feed rate in %.'],
      ]) {
        await page.fill(motionField(label!), typed!);
        await page.click(`section[aria-labelledby="motion-h"] button:text-is("${button}")`);
        await page.waitForSelector(`${motion}:has-text(${JSON.stringify(reason)})`);
        expect(await page.getAttribute(motionField(label!), 'aria-invalid')).to.equal('true');
      }
      await page.fill(motionField('Flow'), '97,5');
      await page.click('section[aria-labelledby="motion-h"] button:text-is("Set flow")');
      await page.waitForSelector(motion, { state: 'detached' });
      // Enter in a field sets it, as its Set button does
      await page.fill(motionField('Fan'), '50');
      await page.press(motionField('Fan'), 'Enter');
      await waitFor(() => sent.length === 5, 5000);
      expect(sent).to.deep.equal([
        '{"command":"target","targets":{"tool0":210.5}}',
        '{"command":"target","targets":{"tool0":-5}}',
        '{"command":"target","targets":{"tool0":1000}}',
        '{"command":"flowrate","factor":97.5}',
        '{"commands":["M106 S128"]}',
      ]);
    } finally {
      page.off('request', record);
      await page.fill(field, '0');
      await page.press(field, 'Enter');
    }
    // the host's two refusals are the browser's own log lines ("status of 400"), no script error
    expect(watched.errors.filter((e) => !/status of 400/.test(e))).to.deep.equal([]);
    watched.errors.length = 0;
  });

  it("while the printer is disconnected a terminal command gets the host's reason and stays in the field; a double-clicked Connect connects once", async () => {
    const registry = t.get<PrinterRegistry>(PrinterRegistry);
    const printerState = () => registry.get('p1')!.printer.snapshot().state.id;
    expect((await fetch(`${t.baseUrl}/api/connection`, { method: 'POST', headers: { 'X-Api-Key': t.apiKey, 'Content-Type': 'application/json' }, body: JSON.stringify({ command: 'disconnect' }) })).status).to.equal(204);
    await waitFor(() => printerState() === 'OFFLINE', 10000);
    const sent: string[] = [];
    const record = (r: Request) => r.method() === 'POST' && /api\/(connection|printer\/command)$/.test(r.url()) && sent.push(`${new URL(r.url()).pathname} ${r.postData() ?? ''}`);
    try {
      await page.goto(`${t.baseUrl}/printer/p1/`);
      await page.waitForSelector('#connect-printer');
      page.on('request', record);
      await page.fill('#terminal-input', 'M115');
      await page.press('#terminal-input', 'Enter');
      await page.waitForSelector('section[aria-labelledby="terminal-h"] .notice:has-text("Printer is not operational")');
      expect(await page.inputValue('#terminal-input')).to.equal('M115');
      await page.dblclick('#connect-printer');
      await waitFor(() => printerState() === 'OPERATIONAL', 15000);
      await page.waitForSelector('#state:text-is("Operational")', { timeout: 15000 });
      // the refusal was for the state the printer was in: it goes with that state, the command stays to send
      await page.waitForSelector('section[aria-labelledby="terminal-h"] .notice', { state: 'detached' });
      expect(await page.inputValue('#terminal-input')).to.equal('M115');
      expect(sent.map((r) => r.replace(/^\/printer\/p1/, ''))).to.deep.equal(['/api/printer/command {"command":"M115"}', '/api/connection {"command":"connect"}']);
    } finally {
      page.off('request', record);
      if (printerState() !== 'OPERATIONAL') await fetch(`${t.baseUrl}/api/connection`, { method: 'POST', headers: { 'X-Api-Key': t.apiKey, 'Content-Type': 'application/json' }, body: JSON.stringify({ command: 'connect' }) });
      await waitFor(() => printerState() === 'OPERATIONAL', 15000);
    }
    // the refusal is the browser's own log line of the host's 409, no script error
    expect(watched.errors.filter((e) => !/status of 409/.test(e))).to.deep.equal([]);
    watched.errors.length = 0;
  });

  it("shows the webcam's snapshots (the host's test pattern) on the printer's page", async () => {
    await page.goto(`${t.baseUrl}/printer/p1/`);
    await page.waitForSelector('#webcam');
    // a real JPEG came and was decoded (the test pattern is made by ffmpeg)
    await waitFor(async () => Number(await page.$eval('#webcam', (img) => (img as unknown as { naturalWidth: number }).naturalWidth)) === 320, 10000);
    expect(await page.getAttribute('#webcam', 'src')).to.match(/^webcam\/test-pattern\.jpg\?_=\d+$/);
    expect(watched.errors).to.deep.equal([]);
  });

  it("plays a timelapse in the printer's page", async () => {
    const folder = t.get<SettingsService>(SettingsService).folder('timelapse');
    fs.mkdirSync(folder, { recursive: true });
    // a one-second test pattern, made by the real ffmpeg (missing ffmpeg fails here, as in CI)
    execFileSync('ffmpeg', ['-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10', '-t', '1', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', path.join(folder, 'p1_done_20260101000000.mp4')]);
    await page.goto(`${t.baseUrl}/printer/p1/`);
    await page.waitForSelector('#timelapses li[data-movie="p1_done_20260101000000.mp4"]');
    await page.click('#timelapses li[data-movie] button[data-action="play"]');
    await page.waitForSelector('#timelapse-player');
    // the browser decoded it: its duration is known
    await waitFor(async () => Number(await page.$eval('#timelapse-player', (v) => (v as unknown as { duration: number }).duration)) > 0.5, 10000);
    expect(watched.errors).to.deep.equal([]);
  });
});
