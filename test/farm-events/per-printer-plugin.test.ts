/**
 * The README's plugin, as written, on a farm: `scope: 'printer'` gives one instance per printer, built
 * with that printer's PrinterService, hearing only its printer's events; a printer added later gets
 * one, and a removed printer's instance is shut down (its @OnShutdown runs).
 */
import { expect } from 'chai';
import { EventBus } from '../../core/events/event-bus.js';
import { PrinterRegistry } from '../../core/printers/printer-registry.js';
import { compileReadmeExample } from '../spine/readme-example.js';
import { startTestHost, type TestHost } from '../support/host.js';
import { stopFarm, virtualPrinter } from './support.js';
import { waitFor } from '../support/wait.js';

interface PrintLogInstance {
  printer: unknown;
}

describe("the README's plugin on a farm", function () {
  this.timeout(60000);
  let example: ReturnType<typeof compileReadmeExample>;
  let t: TestHost | undefined;
  before(() => (example = compileReadmeExample()));
  after(() => example?.dispose());
  afterEach(async () => {
    await stopFarm(t);
    t = undefined;
  });

  it('runs one instance per printer, with its printer and its events, and shuts one down with its printer', async () => {
    t = await startTestHost({ config: { printers: ['p1', 'p2', 'p3'].map(virtualPrinter), plugins: { paths: [example.dist] } } });
    expect(t.host.plugins.list().find((r) => r.id === 'print-log')).to.include({ state: 'loaded' });
    const registry = t.get<PrinterRegistry>(PrinterRegistry);
    const instances = () => t!.host.plugins.instancesByPrinter<PrintLogInstance>('print-log');
    expect([...instances().keys()]).to.deep.equal(['p1', 'p2', 'p3']);
    for (const [id, instance] of instances()) expect(instance.printer, `${id}'s PrinterService`).to.equal(registry.get(id)!.printer);

    // p2's PrintDone reaches p2's instance only
    const bus = t.get<EventBus>(EventBus);
    bus.fire('PrintDone', { name: 'cube.gcode', path: 'cube.gcode', origin: 'local', file: '/x/cube.gcode', filename: 'cube.gcode', time: 12.5, printer: 'p2' });
    await bus.idle(2000);
    const logs = t.logs;
    const lines = (msg: string) => logs.filter((l) => l.plugin === 'print-log' && l.msg === msg);
    expect(lines('print finished').map((l) => [l.printer, l.file, l.total])).to.deep.equal([['p2', 'cube.gcode', 1]]);

    await registry.remove('p2');
    await waitFor(() => lines('print log closed').length === 1, 5000, "p2's instance shut down");
    expect(lines('print log closed')[0]).to.include({ printer: 'p2', total: 1 });
    expect([...instances().keys()]).to.deep.equal(['p1', 'p3']);

    await registry.add(virtualPrinter('p4'));
    expect([...instances().keys()]).to.deep.equal(['p1', 'p3', 'p4']);
    expect(instances().get('p4')!.printer).to.equal(registry.get('p4')!.printer);

    // the host's stop shuts the others down
    await stopFarm(t);
    t = undefined;
    expect(lines('print log closed').map((l) => l.printer)).to.have.members(['p2', 'p1', 'p3', 'p4']);
  });
});
