/**
 * Mainsail (mainsail-support.ts) starts against a printer's listen port: past its connecting dialog,
 * the extruder's temperature shown, and a target typed into its temperature panel executed by the
 * simulator as M104; and under /printer/<id>/ on the main port, through config.json's instances.
 */
import { expect } from 'chai';
import { waitFor } from '../support/wait.js';
import { useMainsail } from './mainsail-support.js';

describe('moonraker: Mainsail starts and sets temperatures', function () {
  this.timeout(20_000);
  const session = useMainsail();

  it('gets past the connecting dialog and shows the extruder’s temperature', async () => {
    const m = session();
    expect(await m.page.locator('.the-connection-dialog').isVisible()).to.equal(false);
    const row = m.page.locator('tr', { hasText: /extruder/i }).first();
    await waitFor(async () => /\d+(\.\d)?\s*°C/.test(await row.locator('td.current').innerText()), 10_000, 'the extruder’s temperature shown');
  });

  it('sets a target from the temperature panel: the simulator executes M104', async () => {
    const m = session();
    const input = m.page.locator('tr', { hasText: /extruder/i }).first().locator('._temp-input input');
    await input.fill('55');
    await input.press('Enter');
    await waitFor(() => m.h.executed('p1').some((c) => /^M104\b.*S55\b/.test(c)), 5000, 'M104 S55 executed');
    expect(m.errors, m.errors.join('\n')).to.deep.equal([]);
  });

  it('serves it under /printer/<id>/ on the main port too: config.json’s instances (hostname, port, path), then the printer chosen', async () => {
    const m = session();
    // Mainsail's path is not read from config.json's `path` (it lands in an unused route_prefix), but its
    // instances list carries one per printer, shown as a chooser with each one's connection
    const port = Number(new URL(m.h.t.baseUrl).port);
    m.config['instancesDB'] = 'json';
    m.config['instances'] = [{ hostname: '127.0.0.1', port, path: '/printer/p1' }];
    const page = await m.page.context().newPage();
    try {
      await page.goto(`${m.origin}/`);
      // the chooser opens each instance's websocket and marks it connected (green) once server.info answered
      const row = page.locator('.row', { hasText: `127.0.0.1:${port}/printer/p1` }).last();
      await row.locator('.v-icon.green--text').waitFor({ timeout: 10_000 });
      await row.click();
      await page.locator('._temp-input input').first().waitFor({ state: 'visible', timeout: 10_000 });
    } finally {
      await page.close();
    }
  });
});
