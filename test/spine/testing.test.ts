/** cuttle/testing: an in-process host with the given plugin classes, simulated printers and awaitable events. */
import { Writable } from 'node:stream';
import { expect } from 'chai';
import { definePlugin, inject, OnEvent, Plugin, PluginContext, PrinterService, type EventPayload } from '../../core/index.js';
import { startTestHost, type TestHost } from '../../core/testing/index.js';

const info = definePlugin({ id: 'print-counter', name: 'Print counter', version: '1.0.0', description: 'test plugin', scope: 'printer', events: ['Counted'] });

@Plugin(info)
class PrintCounter {
  done = 0;
  constructor(
    @inject(PluginContext) private readonly ctx: PluginContext<typeof info>,
    @inject(PrinterService) readonly printer: PrinterService,
  ) {}

  @OnEvent('PrintDone')
  counted(payload: EventPayload<'PrintDone'>): void {
    this.done++;
    this.ctx.fire('Counted', { file: payload.path, done: this.done });
  }
}

@Plugin({ id: 'nosy-in-process', name: 'Nosy', version: '1.0.0', description: 'test plugin' })
class Nosy {
  constructor(@inject(Symbol.for('cuttle.SettingsService')) readonly settings: unknown) {}
}

describe('cuttle/testing', function () {
  this.timeout(30000);
  let host: TestHost | undefined;
  afterEach(async () => {
    await host?.stop();
    host = undefined;
  });

  it('runs a per-printer plugin on simulated printers; nextEvent awaits the plugins', async () => {
    host = await startTestHost({ plugins: [PrintCounter], printers: 3 });
    expect(host.printers).to.deep.equal(['p1', 'p2', 'p3']);
    for (const id of host.printers) expect(host.plugin(PrintCounter, id).printer).to.equal(host.printer(id));

    await host.print('p2', 'cube.gcode', 'G28\nG1 X10 Y10 F3000\n');
    const done = await host.nextEvent('PrintDone', { printer: 'p2' });
    expect(done).to.include({ path: 'cube.gcode', printer: 'p2' });
    // the plugin has handled it by then, and its own event is awaitable too
    expect(host.plugin(PrintCounter, 'p2').done).to.equal(1);
    expect(await host.nextEvent('plugin_print_counter_Counted')).to.deep.equal({ printer: 'p2', file: 'cube.gcode', done: 1 });
    expect(host.plugin(PrintCounter, 'p1').done).to.equal(0);

    // an event already consumed is not returned again
    const again = await host.nextEvent('PrintDone', { printer: 'p2' }, 300).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(again?.message).to.match(/^no PrintDone event of printer p2 within 300 ms/);
  });

  it('rejects when a plugin cannot load, with the reason', async () => {
    // its log line (an error naming the plugin) is not this test's output
    const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });
    const err = await startTestHost({ plugins: [Nosy], logStream: quiet }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).to.contain('plugin nosy-in-process failed: plugin nosy-in-process: constructor parameter 1 of Nosy injects SettingsService, which a plugin may not inject');
  });
});
