/** Discovery and the decorator API: a third-party package, a disabled one, a broken one. */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { getTasks } from 'node-cron';
import { EventBus } from '../../core/events/event-bus.js';
import type { HelloPlugin } from '../fixtures/third-party/hello-plugin.js';
import { startTestHost, type TestHost } from '../support/host.js';
import { waitFor } from '../support/wait.js';

const COMPILED_FIXTURE = path.join(__dirname, '../fixtures/third-party/hello-plugin.js');

/** Installs the fixture as `node_modules/cuttle-plugin-hello`; no `cuttle` beside it: the host makes it resolvable. */
function installPackages(basedir: string): void {
  const modules = path.join(basedir, 'node_modules');
  const pkg = path.join(modules, 'cuttle-plugin-hello');
  mkdirSync(path.join(pkg, 'dist'), { recursive: true });
  cpSync(COMPILED_FIXTURE, path.join(pkg, 'dist', 'index.js'));
  writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'cuttle-plugin-hello', version: '1.2.3', cuttle: { plugin: './dist/index.js' } }));
  const broken = path.join(modules, '@acme', 'cuttle-plugin-broken');
  mkdirSync(broken, { recursive: true });
  writeFileSync(path.join(broken, 'index.js'), "throw new Error('missing native module');\n");
  writeFileSync(path.join(broken, 'package.json'), JSON.stringify({ name: '@acme/cuttle-plugin-broken', cuttle: { plugin: './index.js' } }));
  const notPlugin = path.join(modules, 'left-pad');
  mkdirSync(notPlugin, { recursive: true });
  writeFileSync(path.join(notPlugin, 'package.json'), JSON.stringify({ name: 'left-pad' }));
}

async function hostWith(config: Record<string, unknown>): Promise<TestHost> {
  const t = await startTestHost({ noStart: true, config });
  installPackages(t.basedir);
  await t.host.start();
  return t;
}

describe('plugins', () => {
  let t: TestHost | undefined;
  afterEach(async () => {
    await t?.stop();
    t = undefined;
  });

  it('discovers a third-party package, runs its decorated members, and reports a broken one', async () => {
    t = await hostWith({ plugins: { hello: { greeting: 'hello from config' } } });
    const records = t.host.plugins.list();
    const hello = records.find((r) => r.id === 'hello')!;
    expect(hello).to.include({ state: 'loaded', version: '1.2.3', origin: 'package' });
    const broken = records.find((r) => r.source.endsWith('cuttle-plugin-broken'))!;
    expect(broken.state).to.equal('failed');
    expect(broken.error).to.contain('missing native module');
    expect(records.some((r) => r.source.endsWith('left-pad'))).to.equal(false);
    expect(t.logs.some((l) => l.level === 50 && String(l.msg).includes('cuttle-plugin-broken'))).to.equal(true);

    const plugin = t.host.plugins.instance<HelloPlugin>('hello')!;
    expect(plugin.seen).to.deep.equal(['startup:hello from config']);

    const bus = t.get<EventBus>(EventBus);
    const greeted: unknown[] = [];
    bus.onAny((e) => void (e.name === 'plugin_hello_Greeted' && greeted.push(e.payload)));
    bus.fire('PrintDone', { name: 'cube.gcode', path: 'cube.gcode', origin: 'local', file: '/x/cube.gcode', filename: 'cube.gcode', time: 12.5 });
    await bus.idle(2000);
    expect(plugin.seen).to.include('done:cube.gcode:12.5');
    expect(greeted).to.deep.equal([{ to: 'cube.gcode' }]);

    // the cron runs (its first tick, within the next second or two), and is gone once the host stops
    await waitFor(() => plugin.ticks > 0, 5000, 'the cron\'s first tick').catch(() => undefined);
    expect(plugin.ticks).to.be.at.least(1);
    const scheduled = () => [...getTasks().values()].map((task) => task.name);
    expect(scheduled()).to.include('hello:tick');
    await t.stop();
    t = undefined;
    expect(plugin.seen.at(-1)).to.equal('shutdown');
    expect(scheduled()).to.not.include('hello:tick');
  });

  it('does not load a plugin listed in plugins.disabled', async () => {
    t = await hostWith({ plugins: { disabled: ['hello'] } });
    expect(t.host.plugins.list().find((r) => r.id === 'hello')?.state).to.equal('disabled');
    expect(t.host.plugins.instance('hello')).to.equal(undefined);
  });

  it('loads the bundled category plugins from plugins/', () => {
    return startTestHost().then(async (host) => {
      t = host;
      const bundled = host.host.plugins.list().filter((r) => r.origin === 'bundled');
      expect(bundled.map((r) => r.id)).to.include.members(['server-events', 'settings-events']);
    });
  });
});
