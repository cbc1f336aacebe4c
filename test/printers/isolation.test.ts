/**
 * Removing a printer mid-print: its job ends cleanly (PrintFailed, then Disconnected, then
 * PrinterRemoved), while the other printers, printing the same file, carry on and finish it.
 */
import { expect } from 'chai';
import type { PrintEnd } from '../../core/printer/printer-service.js';
import { PrinterRegistry } from '../../core/printers/printer-registry.js';
import { api, startApiHost, uploadForm } from '../api/support.js';
import { fastSerial, typicalLines } from '../printer/helpers.js';
import type { TestHost } from '../support/host.js';
import { waitFor } from '../support/wait.js';
import { recordEvents } from '../support/events.js';

const IDS = ['p1', 'p2', 'p3'];

describe('printers: removing one mid-print', function () {
  this.timeout(120000);
  let t: TestHost;
  afterEach(() => t?.stop());

  it('ends its job with PrintFailed then Disconnected, and the others finish their prints', async () => {
    t = await startApiHost({ config: { ...fastSerial(), printers: IDS.map((id) => ({ id, name: id.toUpperCase(), connection: { port: 'virtual', autoconnect: true } })) } });
    const call = api(t);
    const registry = t.get<PrinterRegistry>(PrinterRegistry);
    await waitFor(() => IDS.every((id) => registry.get(id)!.printer.snapshot().state.id === 'OPERATIONAL'), 20000);
    expect((await call('POST', '/api/files/local', { body: uploadForm('long.gcode', ['G21', 'G90', 'M83', ...typicalLines(6000)].join('\n')) })).status).to.equal(201);
    for (const id of IDS) {
      expect((await call('POST', `/printer/${id}/api/files/local/long.gcode`, { body: { command: 'select', print: true } })).status, id).to.equal(204);
    }
    const removed = registry.get('p1')!;
    const signals: string[] = [];
    removed.printer.onPrintEnded(({ end }) => signals.push(`ended:${end}`));
    removed.printer.onDisconnected(() => signals.push('disconnected'));
    const ends = new Map<string, PrintEnd>();
    for (const id of ['p2', 'p3']) registry.get(id)!.printer.onPrintEnded(({ end }) => ends.set(id, end));
    await waitFor(() => (removed.printer.snapshot().progress.completion ?? 0) > 2, 30000);
    expect(IDS.map((id) => registry.get(id)!.printer.snapshot().state.id)).to.deep.equal(['PRINTING', 'PRINTING', 'PRINTING']);
    const progressBefore = ['p2', 'p3'].map((id) => registry.get(id)!.printer.snapshot().progress.linesSent);
    const rec = recordEvents(t);

    expect((await call('DELETE', '/api/printers/p1')).status).to.equal(204);
    expect(signals).to.deep.equal(['ended:failed', 'disconnected']);
    await rec.idle();
    // p1's events: without a printer key while the category plugins serve only the first printer, with printer: p1 once they serve each
    const ofP1 = rec.events
      .filter((e) => ((e.payload as { printer?: string }).printer ?? 'p1') === 'p1' || e.name === 'PrinterRemoved')
      .map((e) => e.name)
      .filter((name) => ['PrintFailed', 'Disconnected', 'PrinterRemoved'].includes(name));
    expect(ofP1).to.deep.equal(['PrintFailed', 'Disconnected', 'PrinterRemoved']);
    expect((await call('GET', '/printer/p1/api/job')).status).to.equal(404);

    // the others did not stop: still printing, further along, and they finish
    for (const [index, id] of ['p2', 'p3'].entries()) {
      const snapshot = registry.get(id)!.printer.snapshot();
      if (!ends.has(id)) expect(snapshot.state.id, id).to.equal('PRINTING');
      await waitFor(() => registry.get(id)!.printer.snapshot().progress.linesSent > progressBefore[index]! || ends.has(id), 10000);
    }
    await waitFor(() => ends.size === 2, 90000);
    expect(Object.fromEntries(ends)).to.deep.equal({ p2: 'done', p3: 'done' });
    for (const id of ['p2', 'p3']) {
      const job = await call('GET', `/printer/${id}/api/job`);
      expect(job.json.state, id).to.equal('Operational');
      expect(job.json.progress.completion, id).to.equal(100);
    }
  });
});
