/** Plugin settings are checked: a schema per plugin, validated at start like the core's, computed once and again on save. */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import YAML from 'yaml';
import type { PluginContext } from '../../core/plugins/plugin-context.js';
import { ConfigError } from '../../core/settings/settings-service.js';
import { refusedStart, startTestHost, type TestHost } from '../support/host.js';


describe('plugin settings', () => {
  let t: TestHost | undefined;
  afterEach(async () => {
    await t?.stop();
    t = undefined;
  });

  it('a typo in a plugin\'s settings fails at start, naming the key and the file', async () => {
    const err = await refusedStart({ plugins: { 'printer-events': { tolerence: 2 } } });
    expect(err.key).to.equal('plugins.printer-events.tolerence');
    expect(err.message).to.match(/config\.yaml: "plugins\.printer-events\.tolerence": is not a known setting/);
  });

  it('a wrong type fails at start naming the key; every bad plugin is listed', async () => {
    const err = await refusedStart({ plugins: { 'printing-events': { progressStep: 'ten' }, 'gcode-events': { ignoreZHops: 3 } } });
    const keys = [err.key, ...[...err.message.matchAll(/"(plugins\.[^"]+)"/g)].map((m) => m[1])];
    expect(keys).to.include.members(['plugins.printing-events.progressStep', 'plugins.gcode-events.ignoreZHops']);
  });

  it('a plugin with no schema refuses any value under its id', async () => {
    const err = await refusedStart({ plugins: { 'settings-events': { verbose: true } } });
    expect(err.key).to.equal('plugins.settings-events.verbose');
  });

  it('computes the values once, again only when saved, and refuses to save a bad value', async () => {
    t = await startTestHost({ config: { plugins: { 'printer-events': { tolerance: 2 } } } });
    const ctx = t.host.plugins.instance<{ ctx: PluginContext }>('printer-events')!.ctx;
    const first = ctx.settings.get();
    expect(first).to.deep.equal({ tolerance: 2 });
    expect(ctx.settings.get(), 'the same object, not a new merge per call').to.equal(first);

    await ctx.settings.save({ tolerance: 3 });
    expect(ctx.settings.get()).to.deep.equal({ tolerance: 3 });
    expect(YAML.parse(readFileSync(t.host.settings.configFile, 'utf8')).plugins['printer-events']).to.deep.equal({ tolerance: 3 });

    const bad = await ctx.settings.save({ tolerance: -1 }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(bad).to.be.instanceOf(ConfigError);
    expect((bad as ConfigError).key).to.equal('plugins.printer-events.tolerance');
    expect(ctx.settings.get()).to.deep.equal({ tolerance: 3 });
    expect(YAML.parse(readFileSync(t.host.settings.configFile, 'utf8')).plugins['printer-events']).to.deep.equal({ tolerance: 3 });
  });
});
