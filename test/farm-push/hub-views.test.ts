/**
 * The hub's views without a network: a real bus, an in-memory transport that counts encodings, and a
 * registry of stand-in printers (add/remove as PrinterRegistry.forEach reports them). Covers one
 * encoding per printer per tick per view form, events in both forms, a printer view's filtered resume,
 * and what adding and removing a printer does to the feeds and the clients.
 */
import { expect } from 'chai';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Disposable, DisposableStore } from '../../core/common/disposable.js';
import { Emitter } from '../../core/common/event.js';
import { AsyncEventBus } from '../../core/events/bus-impl.js';
import { createLogger } from '../../core/logging/logger.js';
import type { PrinterService, TemperatureSample } from '../../core/printer/printer-service.js';
import type { PrinterRegistry, PrinterScope } from '../../core/printers/printer-registry.js';
import { PushHub } from '../../core/push/hub.js';
import { OFFLINE_SNAPSHOT } from '../../core/push/printer-state.js';
import { FARM_BATCHED_VIEW, FARM_VIEW, printerView, type PushView } from '../../core/push/view.js';
import { captureLogs } from '../support/host.js';
import { MemoryLink, MemoryTransport } from '../push/memory-link.js';
import { waitFor } from '../support/wait.js';

const ADMIN = { name: 'admin', admin: true, groups: ['admins'], permissions: ['STATUS'], via: 'apikey' as const };

interface StandIn {
  id: string;
  log: Emitter<{ direction: 'send' | 'recv'; line: string }>;
  service: PrinterService;
}

/** What the hub uses of PrinterRegistry: forEach, with printers added and removed by the test. */
class StandInRegistry implements Pick<PrinterRegistry, 'forEach'> {
  readonly printers = new Map<string, StandIn>();
  private readonly watchers = new Map<string, DisposableStore>();
  private readonly added = new Emitter<StandIn>();
  /** as DefaultPrinterRegistry does, every watcher's Disposable stays with the forEach subscription */
  private readonly kept: Disposable[] = [];

  forEach(setup: (scope: PrinterScope) => Disposable | void): Disposable {
    const run = (p: StandIn) => {
      const result = setup({ id: p.id, printer: p.service, entry: { id: p.id, name: p.id } } as PrinterScope);
      if (result) this.watchers.get(p.id)!.add(result);
      if (result) this.kept.push(result);
    };
    for (const p of this.printers.values()) run(p);
    return this.added.event(run);
  }

  add(id: string): StandIn {
    const log = new Emitter<{ direction: 'send' | 'recv'; line: string }>();
    const temperature = new Emitter<TemperatureSample>();
    const service = { snapshot: () => OFFLINE_SNAPSHOT, temperatureHistory: () => [], onLog: log.event, onTemperature: temperature.event } as unknown as PrinterService;
    const printer = { id, log, service };
    this.printers.set(id, printer);
    this.watchers.set(id, new DisposableStore());
    this.added.fire(printer);
    return printer;
  }

  remove(id: string): void {
    this.printers.delete(id);
    this.watchers.get(id)!.dispose();
    this.watchers.delete(id);
  }
}

function setup() {
  const { stream } = captureLogs();
  const logger = createLogger({ level: 'warn', stream });
  const bus = new AsyncEventBus(logger, { historySize: 1000, queueLimit: 100000 });
  const registry = new StandInRegistry();
  for (const id of ['p1', 'p2', 'p3']) registry.add(id);
  const hub = new PushHub({
    bus,
    logger,
    printers: registry,
    serverInfo: () => ({ version: '0.0.0', apiVersion: '0.1', safeMode: false, plugins: [], online: null }),
    options: { rateHz: 0, sendWindow: 64, clientQueueLimit: 500, replayBatch: 16, historyEvents: 5, logLines: 100 },
  });
  const transport = new MemoryTransport();
  const open = (view: PushView, lastSeq?: number) => {
    const link = new MemoryLink(transport);
    const client = hub.connect(link, view);
    client.authenticate(ADMIN, lastSeq);
    return { link, client };
  };
  return { hub, bus, registry, transport, open };
}

/** Resolves once every link got its `history` (the hub's first writes after authenticate are done). */
const histories = (links: readonly MemoryLink[], each = 1) => waitFor(() => links.every((l) => l.of('history').length >= each), 2000, 'the histories');

/** A full collection (node's gc, reachable without --expose-gc through a fresh context). */
function collect(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}

describe('push hub views', () => {
  it('encodes each printer\'s `current` once per tick for all farm clients, and once per printer view', async () => {
    const { hub, registry, transport, open } = setup();
    const farm = Array.from({ length: 20 }, () => open(FARM_VIEW).link);
    const p2 = Array.from({ length: 5 }, () => open(printerView('p2')).link);
    const p1 = Array.from({ length: 5 }, () => open(printerView('p1')).link);
    await histories([...farm, ...p2, ...p1], 1);
    for (const [id, p] of registry.printers) p.log.fire({ direction: 'send', line: `M117 ${id}` });
    const before = transport.encodes;
    hub.tick();
    await waitFor(() => [...farm, ...p1, ...p2].every((l) => l.of('current').length > 0), 2000, 'a current for everyone');
    // three printers for the farm (keyed), p1's and p2's own (OctoPrint's form)
    expect(transport.encodes - before).to.equal(5);
    for (const link of farm) {
      expect(link.of('history').map((h) => h['printer'])).to.deep.equal(['p1', 'p2', 'p3']);
      expect(link.of('current').map((c) => [c['printer'], c['logs']])).to.deep.equal([['p1', ['>>> M117 p1']], ['p2', ['>>> M117 p2']], ['p3', ['>>> M117 p3']]]);
    }
    for (const link of p2) {
      expect(link.of('history')).to.have.length(1);
      expect(link.of('history')[0]).to.not.have.property('printer');
      expect(link.of('current')).to.have.length(1);
      expect(link.of('current')[0]).to.not.have.property('printer');
      expect(link.of('current')[0]!['logs']).to.deep.equal(['>>> M117 p2']);
    }
    hub.dispose();
  });

  it('a batched farm client gets one `currents` per tick with every printer that changed, none when nothing did, encoded once for all', async () => {
    const { hub, registry, transport, open } = setup();
    const batched = Array.from({ length: 10 }, () => open(FARM_BATCHED_VIEW).link);
    await histories(batched, 1);
    // the first tick shows every printer (each one's first state)
    hub.tick();
    await waitFor(() => batched.every((l) => l.of('currents').length === 1), 2000, 'the first batch');
    expect((batched[0]!.of('currents')[0]!['printers'] as Record<string, unknown>[]).map((c) => c['printer'])).to.deep.equal(['p1', 'p2', 'p3']);
    // p2 alone logs: the next batch holds p2 alone
    registry.printers.get('p2')!.log.fire({ direction: 'send', line: 'M117 p2' });
    const before = transport.encodes;
    hub.tick();
    await waitFor(() => batched.every((l) => l.of('currents').length === 2), 2000, 'the second batch');
    expect(transport.encodes - before, 'one frame for the ten clients').to.equal(1);
    for (const link of batched) {
      const second = link.of('currents')[1]!['printers'] as Record<string, unknown>[];
      expect(second.map((c) => [c['printer'], c['name'], c['logs']])).to.deep.equal([['p2', 'p2', ['>>> M117 p2']]]);
      expect(link.of('current'), 'no per-printer currents').to.deep.equal([]);
    }
    // nothing changed: no frame at all; then p3 logs, and the next batch is the third, with p3 alone
    hub.tick();
    registry.printers.get('p3')!.log.fire({ direction: 'send', line: 'M117 p3' });
    hub.tick();
    await waitFor(() => batched.every((l) => l.of('currents').length >= 3), 2000, 'the batch after the quiet tick');
    for (const link of batched) {
      expect(link.of('currents')).to.have.length(3);
      expect((link.of('currents')[2]!['printers'] as Record<string, unknown>[]).map((c) => c['printer'])).to.deep.equal(['p3']);
    }
    hub.dispose();
  });

  it('sends a printer\'s event in two forms, each encoded once; a shared event once for every view', async () => {
    const { hub, bus, transport, open } = setup();
    const farm = Array.from({ length: 10 }, () => open(FARM_VIEW).link);
    const p2 = Array.from({ length: 10 }, () => open(printerView('p2')).link);
    const p1 = open(printerView('p1')).link;
    await histories([...farm, ...p2, p1], 1);
    let before = transport.encodes;
    const scoped = bus.fire('Home', { printer: 'p2' } as never);
    await waitFor(() => [...farm, ...p2].every((l) => l.of('event').length === 1), 2000, 'the p2 event');
    expect(transport.encodes - before).to.equal(2);
    expect(farm[0]!.of('event')[0]).to.deep.equal({ type: 'Home', payload: { printer: 'p2' }, seq: scoped.seq, time: scoped.time, printer: 'p2' });
    expect(p2[0]!.of('event')[0]).to.deep.equal({ type: 'Home', payload: { printer: 'p2' }, seq: scoped.seq, time: scoped.time });
    before = transport.encodes;
    const shared = bus.fire('Home', {});
    await waitFor(() => [...farm, ...p2, p1].every((l) => l.of('event').some((e) => e['seq'] === shared.seq)), 2000, 'the shared event');
    expect(transport.encodes - before).to.equal(1);
    expect(p1.of('event').map((e) => e['seq'])).to.deep.equal([shared.seq]);
    hub.dispose();
  });

  it('gives a farm client that widens its printers their history', async () => {
    const { hub, open } = setup();
    const { link, client } = open(FARM_VIEW);
    client.receive('subscribe', { state: true, events: true, printers: ['p2'] });
    client.receive('subscribe', { state: true, events: true, printers: ['p1', 'p2'] });
    client.receive('subscribe', { state: true, events: true });
    await waitFor(() => link.of('history').length >= 5, 2000, 'five histories');
    expect(link.of('history').map((h) => h['printer'])).to.deep.equal(['p1', 'p2', 'p3', 'p1', 'p3']);
    hub.dispose();
  });

  it('replays to a printer view resuming with lastSeq its printer\'s and the shared events, in order, once', async () => {
    const { hub, bus, open } = setup();
    const start = bus.fire('Home', {}).seq;
    const wanted: number[] = [];
    for (let i = 0; i < 90; i++) {
      const printer = ['p1', 'p2', 'p3', undefined][i % 4];
      const fired = bus.fire('ZChange', printer ? ({ old: i, new: i + 1, printer } as never) : { old: i, new: i + 1 });
      if (printer === undefined || printer === 'p2') wanted.push(fired.seq);
    }
    await bus.idle(2000);
    const { link } = open(printerView('p2'), start);
    await waitFor(() => link.of('event').length >= wanted.length, 2000, 'the replay');
    // a shared event fired now arrives after anything the replay still had on its way
    const after = bus.fire('Home', {}).seq;
    await waitFor(() => link.of('event').some((e) => e['seq'] === after), 2000, 'the event after the replay');
    expect(link.of('event').map((e) => e['seq'])).to.deep.equal([...wanted, after]);
    expect(link.of('event').every((e) => !('printer' in e))).to.equal(true);
    hub.dispose();
  });

  it('a removed printer\'s feed goes and its views close after the events it fired on the way out; an added one reaches the farm', async () => {
    const { hub, bus, registry, open } = setup();
    const farm = open(FARM_VIEW).link;
    const p2 = open(printerView('p2')).link;
    const p3 = open(printerView('p3')).link;
    await histories([farm, p2, p3], 1);
    const last = bus.fire('Disconnected', { printer: 'p2' } as never);
    registry.remove('p2');
    expect(hub.printerIds).to.deep.equal(['p1', 'p3']);
    await waitFor(() => p2.closedWith !== undefined, 2000, 'p2\'s view closed');
    expect(p2.closedWith).to.equal('printer removed');
    expect(p2.of('event').map((e) => e['seq'])).to.deep.equal([last.seq]);
    expect(p3.closedWith).to.equal(undefined);
    registry.add('p4');
    expect(farm.of('history').map((h) => h['printer'])).to.deep.equal(['p1', 'p2', 'p3', 'p4']);
    hub.tick();
    await waitFor(() => farm.of('current').length === 3, 2000, 'the farm\'s currents');
    expect(farm.of('current').map((c) => c['printer'])).to.deep.equal(['p1', 'p3', 'p4']);
    hub.dispose();
  });

  it('lets a removed printer\'s services go, though the registry keeps the watcher\'s Disposable', async () => {
    const { hub, registry, open } = setup();
    open(FARM_VIEW);
    // in a plain function, so no frame of this test holds the printer
    const removed = ((): WeakRef<PrinterService> => {
      const p = registry.add('gone');
      p.log.fire({ direction: 'send', line: 'M117 gone' });
      hub.tick();
      registry.remove('gone');
      return new WeakRef(p.service);
    })();
    await waitFor(() => (collect(), removed.deref() === undefined), 2000, 'the removed printer collected').catch(() => undefined);
    expect(removed.deref(), 'the removed printer is still reachable').to.equal(undefined);
    hub.dispose();
  });
});
