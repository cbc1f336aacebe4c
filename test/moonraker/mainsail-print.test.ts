/**
 * Mainsail (mainsail-support.ts) uploads and prints a file with its "Upload & Print" button, then
 * pauses, resumes and cancels it from its status panel: the printer's state follows each, and the
 * job ends cancelled in the history.
 */
import { expect } from 'chai';
import { JobHistory } from '../../core/history/api.js';
import { gcodeFile, waitForState } from '../farm-surface/support.js';
import { waitFor } from '../support/wait.js';
import { useMainsail } from './mainsail-support.js';

describe('moonraker: Mainsail uploads, prints, pauses, resumes and cancels', function () {
  this.timeout(20_000);
  const session = useMainsail();

  it('uploads and prints, then pauses, resumes and cancels from the status panel', async () => {
    const m = session();
    const printer = m.h.printer('p1');
    await m.page.locator('input[type=file]').first().setInputFiles({ name: 'mainsail-cube.gcode', mimeType: 'text/plain', buffer: Buffer.from(gcodeFile('mainsail-print', 20_000)) });
    await waitForState(printer, 'PRINTING', 10_000);
    expect(printer.snapshot().job?.path).to.equal('mainsail-cube.gcode');
    await m.page.locator('.status-panel').locator('button.warning--text').first().click();
    await waitForState(printer, 'PAUSED', 5000);
    await m.page.locator('.status-panel').locator('button.success--text').first().click();
    await waitForState(printer, 'PRINTING', 5000);
    await m.page.locator('.status-panel').locator('button.warning--text').first().click();
    await waitForState(printer, 'PAUSED', 5000);
    await m.page.locator('.status-panel').locator('button.error--text').first().click();
    // Mainsail may ask to confirm
    const confirm = m.page.getByRole('button', { name: /cancel print/i });
    if (await confirm.isVisible().catch(() => false)) await confirm.click();
    await waitForState(printer, 'OPERATIONAL', 5000);
    // the simulator printed the file's lines; the history has the job, cancelled
    expect(m.h.executed('p1')).to.include('G1 X0 Y0 E1 F3000');
    const history = m.h.t.get<JobHistory>(JobHistory);
    await waitFor(() => history.list({ printer: 'p1', limit: 1, offset: 0 }).jobs[0]?.result === 'cancelled', 5000, 'the job cancelled in the history');
    expect(m.errors, m.errors.join('\n')).to.deep.equal([]);
  });
});
