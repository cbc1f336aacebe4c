/**
 * Mainsail (mainsail-support.ts) drives the printer: its home and jog buttons reach the simulator as
 * G28, then G91, G1 X+10, G90 (the host restores the mode Mainsail saved), and its console sends a
 * command and shows the printer's reply.
 */
import { expect } from 'chai';
import { waitFor } from '../support/wait.js';
import { useMainsail } from './mainsail-support.js';

describe('moonraker: Mainsail homes, jogs and uses the console', function () {
  this.timeout(20_000);
  const session = useMainsail();

  it('homes and jogs: the simulator executes G28, then G91, G1 X10, G90', async () => {
    const m = session();
    await m.page.getByRole('button', { name: /^\s*all\s*$/i }).first().click();
    await waitFor(() => m.h.executed('p1').includes('G28'), 5000, 'G28 executed');
    // Mainsail enables the moves once toolhead.homed_axes says so
    await m.page.locator('._btn-group').first().getByRole('button', { name: '+10', exact: true }).click();
    const jog = await waitFor(() => {
      const all = m.h.executed('p1');
      const g91 = all.lastIndexOf('G91');
      return g91 >= 0 && all.indexOf('G90', g91) > g91 ? all.slice(g91, all.indexOf('G90', g91) + 1) : null;
    }, 5000, 'G91 … G90 executed');
    expect(jog[1]).to.match(/^G1 X\+?10 F\d+/);
  });

  it('sends a console command and shows the printer’s reply', async () => {
    const m = session();
    const field = m.page.locator('.gcode-command-field textarea').first();
    await field.fill('M115');
    await field.press('Enter');
    await waitFor(() => m.h.executed('p1').filter((c) => c === 'M115').length >= 2, 5000, 'M115 executed (the handshake’s and ours)');
    await m.page.getByText(/FIRMWARE_NAME/).first().waitFor({ timeout: 5000 });
    expect(m.errors, m.errors.join('\n')).to.deep.equal([]);
  });
});
