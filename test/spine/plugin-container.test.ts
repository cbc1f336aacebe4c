/** A plugin's container resolves only the tokens meant for plugins, and 'cuttle' only its exported entry points. */
import path from 'node:path';
import { expect } from 'chai';
import { APP_ROOT } from '../../core/host.js';
import { makeCuttleResolvable } from '../../core/plugins/cuttle-resolution.js';
import { PrinterRegistry } from '../../core/printers/printer-registry.js';
import type { Fine } from '../fixtures/nosy/index.js';
import { startTestHost, type TestHost } from '../support/host.js';

const NOSY = path.join(__dirname, '../fixtures/nosy');

describe('plugin container', () => {
  let t: TestHost | undefined;
  afterEach(async () => {
    await t?.stop();
    t = undefined;
  });

  it('refuses, at load and naming plugin, parameter and what it may inject, a plugin that injects a host internal', async () => {
    t = await startTestHost({ config: { plugins: { paths: [NOSY] } } });
    const records = t.host.plugins.list();
    const nosy = records.find((r) => r.id === 'nosy')!;
    expect(nosy.state).to.equal('failed');
    expect(nosy.error).to.equal(
      'plugin nosy: constructor parameter 2 of Nosy injects EventBus, which a plugin may not inject; it may inject PluginContext, PrinterRegistry, FileManager, SlicingService, EventHistory, HttpRoutes',
    );
    expect(t.logs.some((l) => l.level === 50 && l.plugin === 'nosy' && String(l.msg).includes('injects EventBus'))).to.equal(true);
    expect(t.host.plugins.instance('nosy')).to.equal(undefined);

    // a printer's service is a per-printer plugin's only
    expect(records.find((r) => r.id === 'one-printer')?.error).to.contain(
      "constructor parameter 1 of OnePrinter injects PrinterService, which a plugin may not inject (a plugin with scope: 'printer' gets its printer's PrinterService)",
    );

    // what a plugin may inject, it gets: the host's own services
    expect(records.find((r) => r.id === 'fine')?.state).to.equal('loaded');
    const fine = t.host.plugins.instance<Fine>('fine')!;
    expect(fine.printers).to.equal(t.get(PrinterRegistry));
    expect(fine.ctx.id).to.equal('fine');
  });

  it("resolves 'cuttle' (and its other exported entry points) for a plugin outside the package, and no other path of it", () => {
    makeCuttleResolvable(APP_ROOT);
    // a module outside cuttle's folder, as a plugin in <basedir>/node_modules is
    const outside = path.join(path.parse(APP_ROOT).root, 'elsewhere', 'plugin.js');
    const resolve = (request: string) => require('node:module').createRequire(outside).resolve(request) as string;
    expect(resolve('cuttle')).to.equal(path.join(APP_ROOT, 'dist/core/index.js'));
    expect(resolve('cuttle/testing')).to.equal(path.join(APP_ROOT, 'dist/core/testing/index.js'));
    expect(() => resolve('cuttle/dist/core/events/event-bus.js')).to.throw(/not an entry point of cuttle/);
    expect(() => resolve('cuttle/core/host')).to.throw(/not an entry point of cuttle/);
  });
});
