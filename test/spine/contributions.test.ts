/** Contribution points: a class decorator hands a plugin to a core service, and an unknown point fails only that plugin. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { SlicingService } from '../../core/slicing/slicing-service.js';
import { startTestHost, type TestHost } from '../support/host.js';
import { pluginsSettings } from '../../core/plugins/settings.js';

function pluginFolder(basedir: string, fixture: string): string {
  const folder = path.join(basedir, 'plugin-src', fixture);
  mkdirSync(folder, { recursive: true });
  // a plugin folder of its own whose index.js is the compiled fixture (which may import core modules relatively)
  const compiled = path.join(__dirname, '../fixtures/contributions', `${fixture}.js`);
  writeFileSync(path.join(folder, 'index.js'), `module.exports = require(${JSON.stringify(compiled)});\n`);
  return folder;
}

describe('contribution points', () => {
  let t: TestHost | undefined;
  afterEach(async () => {
    await t?.stop();
    t = undefined;
  });

  it('registers a @Slicer() plugin with the slicing service and withdraws it when the host stops', async () => {
    t = await startTestHost({ noStart: true });
    const folders = [pluginFolder(t.basedir, 'toy-slicer'), pluginFolder(t.basedir, 'unknown-point')];
    t.host.settings.of(pluginsSettings).update({ paths: folders });
    await t.host.start();
    const slicing = t.get<SlicingService>(SlicingService);
    expect(slicing.slicers().map((s) => s.id)).to.include('toy');
    expect(t.host.plugins.list().find((r) => r.id === 'toy-slicer')?.state).to.equal('loaded');

    const teleporter = t.host.plugins.list().find((r) => r.id === 'teleporter')!;
    expect(teleporter.state).to.equal('failed');
    expect(teleporter.error).to.contain('"teleporter" contribution');

    await t.host.stop();
    expect(slicing.slicers().map((s) => s.id)).to.not.include('toy');
  });
});
