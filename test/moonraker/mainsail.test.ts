/**
 * Mainsail (mainsail-support.ts) starts against a printer's listen port: past its connecting dialog,
 * the extruder's temperature shown, and a target typed into its temperature panel executed by the
 * simulator as M104.
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
});
