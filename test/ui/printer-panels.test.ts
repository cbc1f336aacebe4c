/**
 * A printer page's other panels in Chromium under the page's own CSP: a file moved into a new folder,
 * downloaded (the bytes as uploaded) and deleted, with its analysis; a plugin's panel mounted with the
 * panel API (and one needing SYSTEM kept from a read-only user); the webcam's test pattern; a timelapse
 * made by the real ffmpeg played in the page; axe-core with a plugin panel shown.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { AuthManager } from '../../core/auth/api.js';
import { PrinterRegistry } from '../../core/printers/printer-registry.js';
import { SettingsService } from '../../core/settings/settings-service.js';
import { UiPanels } from '../../core/ui/panels.js';
import { SMALL_GCODE } from '../api/support.js';
import { startTestHost, type TestHost } from '../support/host.js';
import { waitFor } from '../support/wait.js';
import { launchChromium, openWatchedPage, seriousViolations, type WatchedPage } from './support.js';

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

  it("shows a rename of its printer at once, without a reload", async () => {
    await page.goto(`${t.baseUrl}/printer/p1/`);
    await page.waitForSelector('.crumb:text-is("Bench Prusa")');
    const renamed = await fetch(`${t.baseUrl}/api/printers/p1`, { method: 'PATCH', headers: { 'X-Api-Key': t.apiKey, 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'Bench Prusa MK4' }) });
    expect(renamed.status).to.equal(200);
    await page.waitForSelector('.crumb:text-is("Bench Prusa MK4")');
    expect(await page.title()).to.equal('Bench Prusa MK4 · cuttle');
    expect(watched.errors).to.deep.equal([]);
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
