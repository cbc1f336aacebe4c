/**
 * PATCH /api/printers/<id> with a new connection: an idle printer is connected again over the new
 * port at once (the simulator behind it sees the host's hello), and while the printer prints the
 * change is refused with 409 and the reason, the printer and config.yaml untouched.
 */
import { expect } from 'chai';
import path from 'node:path';
import { PrinterRegistry } from '../../core/printers/printer-registry.js';
import { startTcpPrinter, type TcpPrinter } from '../../core/printer/simulator/tcp.js';
import { api, startApiHost } from '../api/support.js';
import { fastSerial, gcodeFile, tempDir, typicalLines } from '../printer/helpers.js';
import type { TestHost } from '../support/host.js';
import { waitFor } from '../support/wait.js';
import { configText } from './support.js';

describe('printers: PATCHing a connection', function () {
  this.timeout(30000);
  let t: TestHost | undefined;
  let sim: TcpPrinter | undefined;
  const dir = tempDir();
  afterEach(async () => {
    await t?.stop();
    await sim?.close();
    t = sim = undefined;
  });

  it('reconnects an idle printer over its new port at once, and refuses the change with 409 while it prints', async () => {
    sim = await startTcpPrinter(0, { baudrate: 115200, motion: false, sdFolder: path.join(dir, 'sd') });
    t = await startApiHost({ config: { ...fastSerial(), printers: [{ id: 'p1', name: 'One', connection: { port: 'virtual', autoconnect: true } }] } });
    const call = api(t);
    const p1 = t.get<PrinterRegistry>(PrinterRegistry).get('p1')!.printer;
    await waitFor(() => p1.snapshot().state.id === 'OPERATIONAL', 10000, 'p1 operational on the built-in simulator');

    const patched = await call('PATCH', '/api/printers/p1', { body: { connection: { port: sim.address, baudrate: 115200 } } });
    expect(patched.status, JSON.stringify(patched.json)).to.equal(200);
    await waitFor(() => sim!.executed.some((c) => c.source === 'serial' && /^M115\b/.test(c.command)), 10000, 'the host\'s hello (M115) at the new port');
    await waitFor(() => p1.snapshot().state.id === 'OPERATIONAL', 10000, 'p1 operational again');
    expect(p1.snapshot().connection).to.deep.equal({ port: sim.address, baudrate: 115200 });

    // printing (held paused, so it lasts): the change is refused, nothing moves
    await p1.selectFile(gcodeFile(dir, 'long.gcode', typicalLines(5000)), true);
    await waitFor(() => p1.snapshot().state.id === 'PRINTING', 10000, 'printing');
    await p1.pausePrint();
    await waitFor(() => p1.snapshot().state.id === 'PAUSED', 10000, 'paused');
    const saved = configText(t.basedir);
    const refused = await call('PATCH', '/api/printers/p1', { body: { connection: { port: 'virtual' } } });
    expect(refused.status).to.equal(409);
    expect(refused.json.error).to.match(/printing/);
    expect(p1.snapshot().state.id).to.equal('PAUSED');
    expect(p1.snapshot().connection).to.deep.equal({ port: sim.address, baudrate: 115200 });
    expect(configText(t.basedir)).to.equal(saved);
    // a rename is not a connection change: it goes through while printing
    expect((await call('PATCH', '/api/printers/p1', { body: { name: 'Renamed' } })).status).to.equal(200);
    await p1.cancelPrint();
  });
});
