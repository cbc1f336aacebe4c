/**
 * Catalogue events are a guarantee of the core: every event names its firer, the firer exists and
 * fires it, disabling a firer that something needs is refused at start naming the dependent, and
 * the timelapse (a core service) keeps working whichever category plugins are enabled.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { EVENT_CATALOGUE, type CoreEventName } from '../../core/events/catalogue.js';
import { BUNDLED_PLUGINS } from '../../core/host.js';
import { pluginInfo } from '../../core/plugins/decorators.js';
import { discoverPlugins } from '../../core/plugins/discovery.js';
import { PrinterService } from '../../core/printer/printer-service.js';
import { TimelapseService } from '../../core/timelapse/timelapse-service.js';
import { refusedStart, startTestHost, type TestHost } from '../support/host.js';
import { fastSerial } from '../printer/helpers.js';
import { nextEvent } from '../slicing/support.js';
import { layerGcode, printGcode } from '../timelapse/support.js';
import { PrinterRegistry } from '../../core/printers/printer-registry.js';

const ROOT = path.join(__dirname, '../../..');

/** The bundled plugins by id, with the TypeScript source of their module. */
function bundledPlugins(): Map<string, string> {
  const out = new Map<string, string>();
  for (const candidate of discoverPlugins({ bundledDir: BUNDLED_PLUGINS, nodeModules: [], paths: [] }).candidates) {
    for (const exported of Object.values(require(candidate.entry) as Record<string, unknown>)) {
      const info = pluginInfo(exported);
      if (info) out.set(info.id, readFileSync(path.join(ROOT, 'plugins', path.basename(candidate.source), 'index.ts'), 'utf8'));
    }
  }
  return out;
}


describe('catalogue events are a core guarantee', () => {
  let t: TestHost | undefined;
  afterEach(async () => {
    await t?.get<PrinterRegistry>(PrinterRegistry).first()!.printer.disconnect().catch(() => undefined);
    await t?.stop();
    t = undefined;
  });

  it('every catalogue event has a firer that exists and fires it', () => {
    const plugins = bundledPlugins();
    const host = readFileSync(path.join(ROOT, 'core', 'host.ts'), 'utf8');
    for (const [name, entry] of Object.entries(EVENT_CATALOGUE) as [CoreEventName, (typeof EVENT_CATALOGUE)[CoreEventName]][]) {
      if (entry.firedBy === 'host') {
        expect(host, `core/host.ts fires ${name}`).to.contain(`fire('${name}'`);
        continue;
      }
      const source = plugins.get(entry.firedBy);
      expect(source, `${name} is fired by "${entry.firedBy}", which is a bundled plugin`).to.be.a('string');
      expect(source, `plugin ${entry.firedBy} names ${name}`).to.contain(`'${name}'`);
    }
  });

  it('refuses to start when a disabled plugin fires an event an events.subscriptions entry needs, naming both', async () => {
    const err = await refusedStart({
      plugins: { disabled: ['printing-events'] },
      events: { subscriptions: [{ event: 'Startup', type: 'system', command: 'true' }, { event: 'PrintDone', type: 'system', command: 'echo {name}' }] },
    });
    expect(err.key).to.equal('plugins.disabled');
    expect(err.message).to.contain('"printing-events" fires events that events.subscriptions[1] (PrintDone) needs PrintDone');
  });

  it("refuses to start when a disabled plugin fires an event a plugin's @OnEvent needs, naming the plugin", async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'cuttle-hello-'));
    copyFileSync(path.join(__dirname, '../fixtures/third-party/hello-plugin.js'), path.join(folder, 'index.js'));
    const err = await refusedStart({ plugins: { disabled: ['printing-events'], paths: [folder] } }).finally(() => rmSync(folder, { recursive: true, force: true }));
    expect(err.message).to.contain('plugin hello (@OnEvent on done) needs PrintDone');
  });

  it('records a timelapse with printing-events and gcode-events disabled: the timelapse follows the printer, not the bus', async function () {
    this.timeout(60000); // a print and an ffmpeg render
    t = await startTestHost({
      config: { ...fastSerial(), plugins: { disabled: ['printing-events', 'gcode-events'] }, timelapse: { type: 'zchange', fps: 10, postRoll: 0 } },
    });
    expect(t.host.plugins.list().find((r) => r.id === 'printing-events')?.state).to.equal('disabled');
    await t.get<PrinterRegistry>(PrinterRegistry).first()!.printer.connect();
    const done = nextEvent(t.host.bus, 'MovieDone');
    await printGcode(t, 'layers.gcode', layerGcode(3));
    expect((await done).gcode).to.equal('layers.gcode');
    expect(await t.get<PrinterRegistry>(PrinterRegistry).first()!.timelapse.unrendered()).to.deep.equal([]);
  });
});
