/**
 * Subscriptions as configured: the spec's own example loads as described, invalid entries are
 * reported with index and reason while the valid ones work, `enabled` per entry and `events.enabled`,
 * filters, throttle/debounce, and reloading when settings are saved.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import YAML from 'yaml';
import { EventHooks } from '../../core/event-hooks/api.js';
import { SettingsService } from '../../core/settings/settings-service.js';
import { eventHooksSettings, type SubscriptionConfig } from '../../core/event-hooks/settings.js';
import { startTestHost } from '../support/host.js';
import { hostWithSubscriptions, logsMentioning, makeRecorder, SPEC_EXAMPLE, type Recorder } from './support.js';
import { waitFor } from '../support/wait.js';

describe('event hooks: configuration', () => {
  let recorder: Recorder;
  before(() => (recorder = makeRecorder()));
  after(() => recorder.remove());

  it('loads the spec example: four subscriptions, the first disabled, no problems', async () => {
    const t = await startTestHost({ config: YAML.parse(SPEC_EXAMPLE) });
    try {
      const hooks = t.get<EventHooks>(EventHooks);
      expect(hooks.problems()).to.deep.equal([]);
      const subs = hooks.subscriptions();
      expect(subs.map((s) => [s.event, s.type, s.enabled])).to.deep.equal([
        ['Disconnected', 'system', false],
        ['PrintStarted', 'system', true],
        ['PrintDone', 'system', true],
        ['Connected', 'gcode', true],
      ]);
      expect(subs[3]!.commands).to.deep.equal(['M115', 'M117 printer connected!', 'G28']);
      expect(subs[1]!.timeout).to.equal(60000);
    } finally {
      await t.stop();
    }
  });

  it('loads config/event-hooks.example.yaml without problems', async () => {
    const file = path.resolve(__dirname, '../../../config/event-hooks.example.yaml');
    const t = await startTestHost({ config: YAML.parse(readFileSync(file, 'utf8')) });
    try {
      const hooks = t.get<EventHooks>(EventHooks);
      expect(hooks.problems()).to.deep.equal([]);
      expect(hooks.subscriptions().map((s) => s.type)).to.deep.equal(['system', 'system', 'gcode', 'gcode', 'webhook', 'webhook', 'system']);
    } finally {
      await t.stop();
    }
  });

  it('reports each invalid entry with its index and reason; the valid ones still run', async () => {
    const good: SubscriptionConfig = { event: 'PrintDone', type: 'system', command: `${recorder.program} done {name}` };
    const { t, hooks } = await hostWithSubscriptions([
      { event: 'PrintDone', type: 'teleport', command: 'x' },
      good,
      { event: 'PrintDone', type: 'system' } as unknown as SubscriptionConfig,
      { event: 'NoSuchEvent', type: 'system', command: 'true' },
      { event: 'PrintDone', type: 'system', command: 'echo a | wc' },
      { event: 'PrintDone', type: 'system', command: 'echo "unterminated' },
      { event: 'PrintDone', type: 'gcode', command: [] },
      { event: 'PrintDone', type: 'system', command: 'true', timeout: -1 },
      'not a mapping' as unknown as SubscriptionConfig,
    ]);
    try {
      const problems = hooks.problems();
      expect(problems.map((p) => p.index)).to.deep.equal([0, 2, 3, 4, 5, 6, 7, 8]);
      const reason = (i: number) => problems.find((p) => p.index === i)!.reason;
      expect(reason(0)).to.match(/unknown type "teleport"/).and.match(/gcode/).and.match(/system/);
      expect(reason(2)).to.match(/missing command/);
      expect(reason(3)).to.match(/unknown event "NoSuchEvent"/);
      expect(reason(4)).to.match(/shell syntax \(\|\).*shell: true/);
      expect(reason(5)).to.match(/unterminated " quote/);
      expect(reason(6)).to.match(/non-empty/);
      expect(reason(7)).to.match(/timeout/);
      expect(reason(8)).to.match(/mapping/);
      expect(logsMentioning(t, 'events.subscriptions[3] ignored: unknown event')).to.have.length(1);
      expect(hooks.subscriptions().map((s) => s.index)).to.deep.equal([1]);

      t.host.bus.fire('PrintDone', { name: 'a.gcode', path: 'a.gcode', origin: 'local', file: 'a.gcode', filename: 'a.gcode', time: 1 });
      await t.host.bus.idle(2000);
      await hooks.idle(5000);
      expect(recorder.take()).to.deep.equal([['done', 'a.gcode']]);
    } finally {
      await t.stop();
    }
  });

  it('runs nothing when events.enabled is false, and nothing for a disabled entry', async () => {
    const command = `${recorder.program} {__eventname}`;
    const off = await hostWithSubscriptions([{ event: 'Home', type: 'system', command }], { enabled: false });
    try {
      off.t.host.bus.fire('Home', {});
      await off.t.host.bus.idle(2000);
      await off.hooks.idle(5000);
      expect((await off.hooks.testFire('Home', {})).enabled).to.equal(false);
      expect(recorder.take()).to.deep.equal([]);
    } finally {
      await off.t.stop();
    }
    const on = await hostWithSubscriptions([
      { event: 'Home', type: 'system', command, enabled: false },
      { event: 'Home', type: 'system', command: `${command} second` },
    ]);
    try {
      on.t.host.bus.fire('Home', {});
      await on.t.host.bus.idle(2000);
      await on.hooks.idle(5000);
      expect(recorder.take()).to.deep.equal([['Home', 'second']]);
      const fired = await on.hooks.testFire('Home', {});
      expect(fired.subscriptions.map((s) => [s.index, s.status])).to.deep.equal([
        [0, 'skipped'],
        [1, 'ran'],
      ]);
      recorder.take();
    } finally {
      await on.t.stop();
    }
  });

  it('filters on payload keys, nested keys and lists of values', async () => {
    const { t, hooks } = await hostWithSubscriptions([
      { event: 'FileSelected', type: 'system', command: `${recorder.program} local {name}`, filter: { origin: 'local' } },
      { event: 'PositionUpdate', type: 'system', command: `${recorder.program} z {z}`, filter: { z: [0.2, 0.4] } },
    ]);
    try {
      const file = (origin: 'local' | 'sdcard', name: string) => ({ name, path: name, origin, file: name, filename: name });
      t.host.bus.fire('FileSelected', file('sdcard', 'sd.gcode'));
      t.host.bus.fire('FileSelected', file('local', 'l.gcode'));
      for (const z of [0.2, 0.3, 0.4]) t.host.bus.fire('PositionUpdate', { x: 1, y: 2, z, e: 0, t: 0, f: 1200 });
      await t.host.bus.idle(2000);
      await hooks.idle(5000);
      expect(recorder.take().map((a) => a.join(' ')).sort()).to.deep.equal(['local l.gcode', 'z 0.2', 'z 0.4']);
    } finally {
      await t.stop();
    }
  });

  it('throttles and debounces fast events', async () => {
    const { t, hooks } = await hostWithSubscriptions([
      { event: 'ZChange', type: 'system', command: `${recorder.program} throttled {new}`, throttle: 60000 },
      { event: 'ZChange', type: 'system', command: `${recorder.program} debounced {new}`, debounce: 150 },
    ]);
    try {
      for (let z = 1; z <= 20; z++) t.host.bus.fire('ZChange', { old: z - 1, new: z });
      await t.host.bus.idle(2000);
      // the debounced run comes 150 ms after the last ZChange; everything else runs before it
      const runs: string[][] = [];
      await waitFor(() => (runs.push(...recorder.take()), runs.some((a) => a.join(' ') === 'debounced 20')), 5000, 'the debounced run');
      await hooks.idle(5000);
      runs.push(...recorder.take());
      expect(runs.map((a) => a.join(' ')).sort()).to.deep.equal(['debounced 20', 'throttled 1']);
    } finally {
      await t.stop();
    }
  });

  it('reloads subscriptions when the settings are saved', async () => {
    const { t, hooks } = await hostWithSubscriptions([]);
    try {
      expect(hooks.subscriptions()).to.have.length(0);
      const settings = t.get<SettingsService>(SettingsService);
      settings.of(eventHooksSettings).update({ subscriptions: [{ event: 'Home', type: 'system', command: `${recorder.program} reloaded` }] });
      await settings.save();
      expect(hooks.subscriptions()).to.have.length(1);
      t.host.bus.fire('Home', {});
      await t.host.bus.idle(2000);
      await hooks.idle(5000);
      expect(recorder.take()).to.deep.equal([['reloaded']]);
    } finally {
      await t.stop();
    }
  });

  it('warns at load about a placeholder the event does not have, logs the resolved command with debug: true, and runs commands for Shutdown before stopping', async () => {
    const { t, hooks } = await hostWithSubscriptions([
      { event: 'Home', type: 'system', command: `${recorder.program} debug {__eventname}`, debug: true },
      { event: 'Shutdown', type: 'system', command: `${recorder.program} bye` },
      { event: 'Home', type: 'system', command: `${recorder.program} {typo}` },
    ]);
    expect(logsMentioning(t, 'events.subscriptions[2] (Home → system): {typo} is not a key of Home')).to.have.length(1);
    await hooks.testFire('Home', {});
    expect(t.logs.some((l) => l.level === 30 && l.msg === `running: ${recorder.program} debug Home`)).to.equal(true);
    expect(recorder.take()).to.deep.equal([['debug', 'Home']]);
    await t.stop();
    expect(recorder.take()).to.deep.equal([['bye']]);
  });
});
