/**
 * Job history and /readyz on a farm: two printers print different files at once; /api/history has
 * each job with its printer (and filters by printer), the totals are per printer; /readyz lists
 * every printer's state, not only the first one's.
 */
import { expect } from 'chai';
import { PrinterRegistry } from '../../core/printers/printer-registry.js';
import { api, startApiHost } from '../api/support.js';
import { fastSerial, gcodeFile, tempDir, typicalLines } from '../printer/helpers.js';
import type { TestHost } from '../support/host.js';
import { stopFarm, virtualPrinter } from './support.js';
import { waitFor } from '../support/wait.js';

interface Job {
  printer: string;
  file: { name: string };
  result: string;
}

describe('farm events: job history and readiness of every printer', function () {
  this.timeout(60000);
  let t: TestHost | undefined;
  after(() => stopFarm(t));

  it('records each printer\'s job with its id and reports each printer\'s state', async () => {
    t = await startApiHost({ config: { ...fastSerial(), printers: [virtualPrinter('p1'), virtualPrinter('p2')] } });
    const call = api(t);
    const registry = t.get<PrinterRegistry>(PrinterRegistry);
    const dir = tempDir();
    for (const scope of registry.list()) await scope.printer.connect();
    await Promise.all(registry.list().map((scope) => scope.printer.selectFile(gcodeFile(dir, `${scope.id}.gcode`, typicalLines(200)), true)));
    await waitFor(async () => {
      const { jobs } = (await call('GET', '/api/history')).json as { jobs: Job[] };
      return jobs.length === 2 && jobs.every((job) => job.result === 'done');
    }, 30000);
    const { jobs } = (await call('GET', '/api/history')).json as { jobs: Job[] };
    expect(jobs.map(({ printer, file }) => `${printer}:${file.name}`).sort()).to.deep.equal(['p1:p1.gcode', 'p2:p2.gcode']);
    const p2 = (await call('GET', '/api/history?printer=p2')).json as { jobs: Job[] };
    expect(p2.jobs.map((job) => job.file.name)).to.deep.equal(['p2.gcode']);
    const totals = (await call('GET', '/api/history/totals')).json as { jobs: number; byPrinter: Record<string, { jobs: number }> };
    expect(totals.jobs).to.equal(2);
    expect(Object.keys(totals.byPrinter).sort()).to.deep.equal(['p1', 'p2']);

    type Ready = { printers: Record<string, { state: string }> };
    const ready = (await call('GET', '/readyz')).json as Ready;
    expect(ready.printers).to.deep.equal({ p1: { state: 'OPERATIONAL', text: 'Operational', error: null }, p2: { state: 'OPERATIONAL', text: 'Operational', error: null } });
    await registry.get('p1')!.printer.disconnect();
    const after = (await call('GET', '/readyz')).json as Ready;
    expect(after.printers['p1']!.state).to.equal('OFFLINE');
    expect(after.printers['p2']!.state).to.equal('OPERATIONAL');
  });
});
