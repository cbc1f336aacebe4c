/**
 * Fluidd (fluidd-support.ts) drives a printer, at its listen port and under /printer/<id>/: past its
 * start-up, temperatures shown, a target set (the simulator executes M104), home and jog (G28, then
 * G91, G1, G90), upload and print, pause, resume and cancel, and a console command with the printer's
 * reply. A local check:
 * `CUTTLE_FLUIDD_DIST=<fluidd>/dist npx mocha dist/test/moonraker/fluidd.browser.js` (README, "Clients").
 */
import { expect } from 'chai';
import { JobHistory } from '../../core/history/api.js';
import { gcodeFile, waitForState } from '../farm-surface/support.js';
import { request } from '../clients/helpers.js';
import { waitFor } from '../support/wait.js';
import { openFluidd, type FluiddSession } from './fluidd-support.js';

/**
 * What cuttle answers Fluidd with an error, knowingly: no `fluidd` settings yet (Moonraker's 404 too,
 * Fluidd then creates them), no Klipper `config` root, and the API key only for SETTINGS (a trusted
 * network has the users group's permissions); Fluidd leaves that last refusal unhandled ("Object").
 */
const EXPECTED = [/^server\.database\.get_item: 404 /, /^server\.files\.list: 400 Invalid root "config"/, /^access\.get_api_key: 403 /, /^Object$/];

for (const where of ['listen', 'prefix'] as const) {
  describe(`moonraker: Fluidd at the printer's ${where === 'listen' ? 'listen port' : '/printer/<id>/ path'}`, function () {
    this.timeout(40_000);
    let f: FluiddSession;
    before(async () => {
      f = await openFluidd(where);
    });
    after(async () => {
      await f?.stop();
    });
    const unexpected = () => f.errors.filter((e) => !EXPECTED.some((re) => re.test(e)));

    it('gets past its start-up and shows the extruder’s temperature', async () => {
      const row = f.page.locator('tr', { hasText: /extruder/i }).first();
      await waitFor(async () => /\d+(\.\d)?\s*°?C/.test(await row.innerText()), 10_000, 'the extruder’s temperature shown');
      expect(f.called).to.include.members(['server.connection.identify', 'server.info', 'printer.objects.subscribe', 'server.temperature_store']);
      expect(await f.page.getByText(/macro not found|not found in printer configuration/).count()).to.equal(0);
      expect(unexpected(), unexpected().join('\n')).to.deep.equal([]);
    });

    it('sets a target: the simulator executes M104', async () => {
      const input = f.page.locator('tr', { hasText: /extruder/i }).first().locator('input').first();
      await input.fill('55');
      await input.press('Enter');
      await waitFor(() => f.h.executed('p1').some((c) => /^M104\b.*S55\b/.test(c)), 5000, 'M104 S55 executed');
    });

    it('homes and jogs: G28, then G91, G1 X1, G90', async () => {
      await f.page.getByRole('button', { name: /^\s*all\s*$/i }).first().click();
      await waitFor(() => f.h.executed('p1').includes('G28'), 5000, 'G28 executed');
      // the cross's second row: X-, home XY, X+ (enabled once toolhead.homed_axes says x)
      const homeAll = f.page.getByRole('button', { name: /^\s*all\s*$/i }).first();
      const xPlus = f.page.locator('.row').filter({ has: homeAll }).last().locator('xpath=following-sibling::div[1]').locator('button').nth(2);
      await waitFor(() => xPlus.isEnabled(), 5000, 'X+ enabled');
      await xPlus.click();
      const jog = await waitFor(() => {
        const all = f.h.executed('p1');
        const g91 = all.lastIndexOf('G91');
        return g91 >= 0 && all.indexOf('G90', g91) > g91 ? all.slice(g91, all.indexOf('G90', g91) + 1) : null;
      }, 5000, 'G91 … G90 executed');
      expect(jog[1]).to.match(/^G1 X1 F\d+/);
    });

    it('sends a console command and shows the printer’s reply', async () => {
      const field = f.page.locator('.console-command textarea').first();
      await field.fill('M115');
      await field.press('Enter');
      await waitFor(() => f.h.executed('p1').filter((c) => c === 'M115').length >= 2, 5000, 'M115 executed (the handshake’s and ours)');
      await f.page.getByText(/FIRMWARE_NAME/).first().waitFor({ timeout: 5000 });
    });

    it('uploads and prints from its jobs page', async () => {
      const printer = f.h.printer('p1');
      await f.page.locator('a[href$="/jobs"]').first().click();
      await f.page.locator('button:has(path[d^="M19,13H13V19H11V13H5V11H11V5H13V11H19V13Z"])').first().click();
      const [chooser] = await Promise.all([f.page.waitForEvent('filechooser'), f.page.getByText('Upload & Print').click()]);
      await chooser.setFiles({ name: `fluidd-${where}.gcode`, mimeType: 'text/plain', buffer: Buffer.from(gcodeFile(`fluidd-${where}`, 20_000)) });
      await waitForState(printer, 'PRINTING', 10_000);
      expect(printer.snapshot().job?.path).to.equal(`fluidd-${where}.gcode`);
    });

    it('pauses, resumes and cancels from its status card: the printer’s state follows, the job ends cancelled', async () => {
      const printer = f.h.printer('p1');
      await f.page.locator('a[href$="#/"]').first().click();
      const button = (name: RegExp) => f.page.getByRole('button', { name }).first();
      await button(/^\s*pause\s*$/i).click();
      await waitForState(printer, 'PAUSED', 5000);
      await button(/^\s*resume\s*$/i).click();
      await waitForState(printer, 'PRINTING', 5000);
      await button(/^\s*cancel\s*$/i).click();
      await button(/^\s*yes\s*$/i).click();
      await waitForState(printer, 'OPERATIONAL', 10_000);
      const history = f.h.t.get<JobHistory>(JobHistory);
      await waitFor(() => history.list({ printer: 'p1', limit: 1, offset: 0 }).jobs[0]?.result === 'cancelled', 5000, 'the job cancelled in the history');
      expect(unexpected(), unexpected().join('\n')).to.deep.equal([]);
    });
  });
}

/**
 * Without a trusted network Fluidd signs in over its websocket: it opens the socket with no credential,
 * calls server.connection.identify (refused: its login form), access.info and access.login, then
 * identifies again with the token. cuttle takes the credential-less socket signed out (401 to all but
 * the sign-in, core/moonraker/README.md, Permissions), so the login goes through.
 */
describe('moonraker: Fluidd signs in with a cuttle user', function () {
  this.timeout(40_000);
  let f: FluiddSession;
  before(async () => {
    f = await openFluidd('listen', false);
    const added = await request(f.h.t.baseUrl, 'POST', '/api/access/users', { key: f.h.t.apiKey, body: { name: 'erin', password: 'a-long-password', active: true, groups: ['users'] } });
    expect(added.status).to.be.oneOf([200, 201]);
  });
  after(async () => {
    await f?.stop();
  });

  it('shows its login form and gets in with a cuttle user’s password', async () => {
    await f.page.locator('input[autocomplete=username]').waitFor({ state: 'visible', timeout: 15_000 });
    await f.page.locator('input[autocomplete=username]').fill('erin');
    await f.page.locator('input[autocomplete=current-password]').fill('a-long-password');
    await f.page.locator('button[type=submit]').click();
    await f.page.locator('.v-main').getByText(/extruder/i).first().waitFor({ state: 'visible', timeout: 15_000 });
    expect(f.called).to.include('access.login');
  });
});
