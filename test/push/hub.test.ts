/**
 * The hub without a network: an in-memory transport that records frames and counts encodings, a real
 * bus, and stand-in printer/slicing signals. Covers slicingProgress, coalesced `current`, shared
 * encoding, the bounded queue of non-event messages, and an event before the `current` showing its change.
 */
import { expect } from 'chai';
import { Disposable } from '../../core/common/disposable.js';
import { Emitter } from '../../core/common/event.js';
import { runAsOwner } from '../../core/common/listener-owner.js';
import { AsyncEventBus } from '../../core/events/bus-impl.js';
import { createLogger } from '../../core/logging/logger.js';
import type { PrinterService, PrinterSnapshot, PrinterState, TemperatureSample } from '../../core/printer/printer-service.js';
import type { PrinterScope } from '../../core/printers/printer-registry.js';
import { PushHub, type PushHubOptions } from '../../core/push/hub.js';
import { OFFLINE_SNAPSHOT } from '../../core/push/printer-state.js';
import type { SlicingService } from '../../core/slicing/slicing-service.js';
import { captureLogs } from '../support/host.js';
import { MemoryLink, MemoryTransport } from './memory-link.js';
import { waitFor } from '../support/wait.js';
import { turn } from '../support/clock.js';

const ADMIN = { name: 'admin', admin: true, groups: ['admins'], permissions: ['STATUS'], via: 'apikey' as const };

function setup(options: Partial<PushHubOptions> = {}) {
  const { stream } = captureLogs();
  const logger = createLogger({ level: 'warn', stream });
  const bus = new AsyncEventBus(logger, { historySize: 1000, queueLimit: 100000 });
  const log = new Emitter<{ direction: 'send' | 'recv'; line: string }>();
  const temperature = new Emitter<TemperatureSample>();
  const progress = new Emitter<Parameters<Parameters<SlicingService['onProgress']>[0]>[0]>();
  const state = { snapshot: OFFLINE_SNAPSHOT as PrinterSnapshot };
  const printer = {
    snapshot: () => state.snapshot,
    temperatureHistory: () => [],
    onLog: log.event,
    onTemperature: temperature.event,
  } as unknown as PrinterService;
  const slicing = { onProgress: progress.event } as unknown as SlicingService;
  const hub = new PushHub({
    bus,
    logger,
    printers: { forEach: (setup) => setup({ id: 'p1', printer, entry: { id: 'p1', name: 'p1' } } as PrinterScope) ?? Disposable.NONE },
    slicing,
    serverInfo: () => ({ version: '0.0.0', apiVersion: '0.1', safeMode: false, plugins: [], online: null }),
    options: { rateHz: 0, sendWindow: 8, clientQueueLimit: 50, replayBatch: 16, historyEvents: 5, logLines: 100, ...options },
  });
  const transport = new MemoryTransport();
  const open = () => {
    const link = new MemoryLink(transport);
    const client = hub.connect(link);
    client.authenticate(ADMIN);
    return { link, client };
  };
  /** `count` ticks, each after a line sent and its "ok" ('G1 Z<n>', 'ok <n>') and whatever `each` adds, one turn apart */
  const logTicks = async (count: number, each: (tick: number) => void = () => {}) => {
    for (let tick = 1; tick <= count; tick++) {
      log.fire({ direction: 'send', line: `G1 Z${tick}` });
      log.fire({ direction: 'recv', line: `ok ${tick}` });
      each(tick);
      hub.tick();
      await turn();
    }
  };
  return { hub, bus, log, temperature, progress, transport, open, state, logTicks };
}

describe('push hub', () => {
  it('sends slicingProgress in OctoPrint\'s shape', async () => {
    const { hub, progress, open } = setup();
    const { link } = open();
    progress.fire({ stl: 'cube.stl', stl_location: 'local', gcode: 'cube.gcode', gcode_location: 'local', slicer: 'prusaslicer', progress: 42 });
    await waitFor(() => link.of('slicingProgress').length === 1);
    expect(link.of('slicingProgress')[0]).to.deep.equal({
      slicer: 'prusaslicer', source_location: 'local', source_path: 'cube.stl', dest_location: 'local', dest_path: 'cube.gcode', progress: 42,
    });
    hub.dispose();
  });

  it('encodes each broadcast once for all clients of a transport', async () => {
    const { hub, bus, transport, open } = setup();
    const links = Array.from({ length: 20 }, () => open().link);
    const before = transport.encodes;
    for (let i = 0; i < 10; i++) bus.fire('Home', {});
    hub.sendPluginMessage('demo', { n: 1 });
    await waitFor(() => links.every((l) => l.of('event').length === 10 && l.of('plugin').length === 1));
    expect(transport.encodes - before).to.equal(11);
    hub.dispose();
  });

  it('coalesces `current` for a throttled client: the skipped ticks\' logs and temperatures in one message', async () => {
    const { hub, temperature, open, logTicks } = setup();
    const steady = open();
    const throttled = open();
    throttled.client.receive('throttle', 3);
    await logTicks(6, (tick) => temperature.fire({ time: 1000 + tick, heaters: { tool0: { actual: 200 + tick, target: 210 } } }));
    await waitFor(() => steady.link.of('current').length === 6 && throttled.link.of('current').length === 2);
    const coalesced = throttled.link.of('current');
    expect(coalesced[0]!['logs']).to.deep.equal(['>>> G1 Z1', '<<< ok 1', '>>> G1 Z2', '<<< ok 2', '>>> G1 Z3', '<<< ok 3']);
    expect(coalesced[0]!['messages']).to.deep.equal(['ok 1', 'ok 2', 'ok 3']);
    expect((coalesced[1]!['temps'] as { time: number }[]).map((p) => p.time)).to.deep.equal([1004, 1005, 1006]);
    expect((steady.link.of('current')[5]!['temps'] as object[])).to.deep.equal([{ time: 1006, tool0: { actual: 206, target: 210 } }]);
    hub.dispose();
  });

  it('shows the newest `logLines` lines in a coalesced `current`, however many ticks it covers', async () => {
    const { hub, open, logTicks } = setup({ logLines: 4 });
    const steady = open();
    const throttled = open();
    throttled.client.receive('throttle', 5);
    await logTicks(10);
    await waitFor(() => steady.link.of('current').length === 10 && throttled.link.of('current').length === 2);
    const [first, second] = throttled.link.of('current');
    expect(first!['logs']).to.deep.equal(['>>> G1 Z4', '<<< ok 4', '>>> G1 Z5', '<<< ok 5']);
    expect(first!['messages']).to.deep.equal(['ok 2', 'ok 3', 'ok 4', 'ok 5']);
    expect(second!['logs']).to.deep.equal(['>>> G1 Z9', '<<< ok 9', '>>> G1 Z10', '<<< ok 10']);
    expect(second!['messages']).to.deep.equal(['ok 7', 'ok 8', 'ok 9', 'ok 10']);
    expect(steady.link.of('current').map((c) => c['logs'])[9]).to.deep.equal(['>>> G1 Z10', '<<< ok 10']);
    hub.dispose();
  });

  it('reports plugin messages dropped for a client that stopped reading, and loses no event', async () => {
    const { hub, bus, open } = setup();
    const { link } = open();
    await new Promise((r) => setImmediate(r));
    link.acknowledging = false;
    for (let i = 0; i < 200; i++) hub.sendPluginMessage('flood', i);
    for (let i = 0; i < 300; i++) bus.fire('Home', {});
    await bus.idle(2000);
    // the hub's writes of what the bus delivered are queued behind the turn that delivered it
    await turn();
    link.release();
    await waitFor(() => link.of('event').length === 300, 5000, 'all events');
    const gaps = link.of('gap');
    expect(gaps.some((g) => (g['droppedMessages'] as number) > 0)).to.equal(true);
    const dropped = gaps.reduce((n, g) => n + ((g['droppedMessages'] as number) ?? 0), 0);
    expect(link.of('plugin').length + dropped).to.equal(200);
    const seqs = link.of('event').map((e) => e['seq'] as number);
    expect(seqs).to.deep.equal(Array.from({ length: 300 }, (_, i) => seqs[0]! + i));
    hub.dispose();
  });

  it('shows a change in `current` only after its event, which a plugin listener fires later', async () => {
    const { hub, bus, open, state } = setup();
    const { link } = open();
    // as the printer-events plugin: its listener is owned, so it runs later, from the owned queue
    const changed = new Emitter<PrinterState>();
    runAsOwner({ id: 'printer-events', report: (err) => { throw err; } }, () =>
      changed.event((s) => bus.fire('PrinterStateChanged', { state_id: s.id, state_string: s.text, printer: 'p1' })),
    );
    await waitFor(() => link.of('history').length === 1);
    const printing: PrinterState = { id: 'PRINTING', text: 'Printing', error: '' };
    state.snapshot = { ...OFFLINE_SNAPSHOT, state: printing };
    changed.fire(printing);
    // the tick's snapshot says Printing before the listener has fired the event
    hub.tick();
    await waitFor(() => link.of('current').length === 1 && link.of('event').length === 1);
    const order = link.frames.map((f) => Object.keys(f)[0]).filter((type) => type === 'event' || type === 'current');
    expect(order).to.deep.equal(['event', 'current']);
    expect((link.of('current')[0]!['state'] as { text: string }).text).to.equal('Printing');
    hub.dispose();
  });
});
