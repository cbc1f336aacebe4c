/**
 * PrinterAdded and PrinterRemoved (`{ id, name }`, fired by the printers-events plugin) for printers
 * added and removed over REST: on the bus, in the event log (GET /api/events), and none for a refused
 * change. (That PrinterRemoved comes after the printer's PrintFailed and Disconnected: isolation.test.ts.)
 */
import { expect } from 'chai';
import { api, startApiHost } from '../api/support.js';
import type { TestHost } from '../support/host.js';
import { twoPrinters } from './support.js';
import { waitFor } from '../support/wait.js';
import { recordEvents } from '../support/events.js';

describe('printers over REST: PrinterAdded and PrinterRemoved', function () {
  this.timeout(30000);
  let t: TestHost;
  afterEach(() => t?.stop());

  it('fires PrinterAdded on POST and PrinterRemoved on DELETE with { id, name }', async () => {
    t = await startApiHost({ config: twoPrinters() });
    const call = api(t);
    const rec = recordEvents(t);
    expect((await call('POST', '/api/printers', { body: { id: 'p3', name: 'Spare Voron', connection: { port: 'virtual', autoconnect: true } } })).status).to.equal(201);
    await rec.idle();
    expect(rec.named('PrinterAdded').map((e) => e.payload)).to.deep.equal([{ id: 'p3', name: 'Spare Voron' }]);
    await waitFor(async () => (await call('GET', '/api/printers/p3')).json.state.text === 'Operational');

    expect((await call('PATCH', '/api/printers/p3', { body: { name: 'Renamed Voron' } })).status).to.equal(200);
    expect((await call('DELETE', '/api/printers/p3')).status).to.equal(204);
    await rec.idle();
    expect(rec.named('PrinterRemoved').map((e) => e.payload)).to.deep.equal([{ id: 'p3', name: 'Renamed Voron' }]);

    // refused changes fire nothing
    rec.clear();
    expect((await call('POST', '/api/printers', { body: { id: 'p1' } })).status).to.equal(409);
    expect((await call('DELETE', '/api/printers/p3')).status).to.equal(404);
    await rec.idle();
    expect(rec.events.filter((e) => e.name.startsWith('Printer') && e.name !== 'PrinterStateChanged')).to.deep.equal([]);

    const log = await call('GET', '/api/events?limit=500');
    expect(log.status).to.equal(200);
    const logged = (log.json.events as { type?: string; name?: string; payload: unknown }[]).filter((e) => ['PrinterAdded', 'PrinterRemoved'].includes(e.type ?? e.name ?? ''));
    expect(logged.map((e) => e.payload)).to.deep.equal([
      { id: 'p3', name: 'Spare Voron' },
      { id: 'p3', name: 'Renamed Voron' },
    ]);
  });
});
