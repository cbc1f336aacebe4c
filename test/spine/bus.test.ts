/** The bus: order per subscriber, isolation of throwing and slow subscribers, history, custom events. */
import { expect } from 'chai';
import { AsyncEventBus } from '../../core/events/bus-impl.js';
import type { AnyFiredEvent } from '../../core/events/event-bus.js';
import { captureLogs } from '../support/host.js';
import { createLogger } from '../../core/logging/logger.js';
import { turn } from '../support/clock.js';
import { waitFor } from '../support/wait.js';

function makeBus(historySize = 100) {
  const { stream, logs } = captureLogs();
  const bus = new AsyncEventBus(createLogger({ level: 'debug', stream }), { historySize, queueLimit: 100000 });
  return { bus, logs };
}


describe('event bus', () => {
  it('never runs handlers inside fire()', () => {
    const { bus } = makeBus();
    let called = false;
    bus.on('Startup', () => {
      called = true;
    });
    bus.fire('Startup', {});
    expect(called).to.equal(false);
  });

  it('delivers to each subscriber in firing order, async handlers included', async () => {
    const { bus } = makeBus();
    const seenSync: number[] = [];
    const seenAsync: number[] = [];
    bus.on('ToolChange', (p) => void seenSync.push(p.new));
    bus.on('ToolChange', async (p) => {
      // handlers that take different times: zero to two turns of the event loop
      for (let turns = Math.floor(Math.random() * 3); turns > 0; turns--) await turn();
      seenAsync.push(p.new);
    });
    for (let i = 0; i < 50; i++) bus.fire('ToolChange', { old: i - 1, new: i });
    expect(await bus.idle(5000)).to.equal(true);
    const expected = Array.from({ length: 50 }, (_, i) => i);
    expect(seenSync).to.deep.equal(expected);
    expect(seenAsync).to.deep.equal(expected);
  });

  it('isolates a throwing subscriber and logs it with its owner', async () => {
    const { bus, logs } = makeBus();
    const received: string[] = [];
    bus.onAny(() => {
      throw new Error('boom');
    }, { owner: 'bad-plugin' });
    bus.onAny((e) => void received.push(e.name), { owner: 'good-plugin' });
    bus.fire('Startup', {});
    bus.fire('Shutdown', {});
    await bus.idle(1000);
    expect(received).to.deep.equal(['Startup', 'Shutdown']);
    const errors = logs.filter((l) => l.level === 50);
    expect(errors).to.have.length(2);
    expect(errors[0]!.plugin).to.equal('bad-plugin');
    expect(errors[0]!.msg).to.contain('bad-plugin');
  });

  it('does not let a subscriber that awaits delay a fast one', async () => {
    const { bus } = makeBus();
    const fastDone: number[] = [];
    let slowCount = 0;
    // the slow subscriber's first call awaits until the test lets it go
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    bus.on('Dwell', async () => {
      await held;
      slowCount++;
    });
    bus.on('Dwell', () => void fastDone.push(Date.now()));
    for (let i = 0; i < 10; i++) bus.fire('Dwell', {});
    await waitFor(() => fastDone.length === 10, 5000, 'the fast subscriber\'s ten');
    // the fast subscriber got all ten while the slow one is still on its first
    expect(slowCount).to.equal(0);
    release();
    await waitFor(() => slowCount === 10, 5000, 'the slow subscriber\'s ten');
  });

  it('numbers events, stamps ISO-8601 time, and replays from bounded history with gap detection', () => {
    const { bus } = makeBus(5);
    const fired: AnyFiredEvent[] = [];
    for (let i = 0; i < 8; i++) fired.push(bus.fire('Home', {}));
    expect(fired.map((e) => e.seq)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(new Date(fired[0]!.time).toISOString()).to.equal(fired[0]!.time);
    expect(bus.since(5)).to.deep.equal({ events: fired.slice(5), gap: false });
    expect(bus.since(3).gap).to.equal(false);
    expect(bus.since(3).events.map((e) => e.seq)).to.deep.equal([4, 5, 6, 7, 8]);
    expect(bus.since(1).gap).to.equal(true);
  });

  it('declares and fires plugin custom events, refusing undeclared ones', async () => {
    const { bus } = makeBus();
    const name = bus.registerCustomEvent('my-plugin', 'Thing');
    expect(name).to.equal('plugin_my_plugin_Thing');
    const got: unknown[] = [];
    bus.onAny((e) => void (e.name === name && got.push(e.payload)));
    bus.fireCustom(name, { value: 1 });
    expect(() => bus.fireCustom('plugin_other_Nope', {})).to.throw(/unknown event/);
    await bus.idle(1000);
    expect(got).to.deep.equal([{ value: 1 }]);
    expect(bus.knownEvents()).to.include(name);
  });
});
