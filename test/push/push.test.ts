/** The socket.io push channel end to end on a real host: auth, every message type, replay, gap, subscriptions. */
import { expect } from 'chai';
import type { EventBus } from '../../core/events/event-bus.js';
import { EventBus as EventBusToken } from '../../core/events/event-bus.js';
import { AuthManager } from '../../core/auth/api.js';
import { PushService, type PushClientInfo } from '../../core/push/api.js';
import type { DefaultPushService } from '../../core/push/service.js';
import { startTestHost, type TestHost } from '../support/host.js';
import { connectError, pushClient, type RecordingClient } from './support.js';
import { waitFor } from '../support/wait.js';

describe('push over socket.io', function () {
  this.timeout(30000);
  let t: TestHost;
  let bus: EventBus;
  const clients: RecordingClient[] = [];
  const open = (auth: Record<string, unknown> | (() => Record<string, unknown>), options?: { reconnection?: boolean }) => {
    const c = pushClient(t.baseUrl, auth, options);
    clients.push(c);
    return c;
  };

  before(async () => {
    t = await startTestHost({ config: { push: { rateHz: 20, clientQueueLimit: 200 }, events: { historySize: 1500 } } });
    bus = t.get<EventBus>(EventBusToken);
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  after(async () => {
    await t?.stop();
  });

  it('refuses a client without a key or with a wrong key before any data', async () => {
    for (const auth of [{}, { apikey: 'wrong' }]) {
      const c = open(auth);
      const err = await connectError(c);
      expect(err.message).to.equal('Forbidden');
      // anything sent before the refusal would have come before it
      expect(c.received).to.deep.equal([]);
    }
  });

  it('sends connected, then history, then current at the configured rate, with their fields', async () => {
    const c = open({ apikey: t.apiKey });
    await waitFor(() => c.of('current').length >= 3, 5000, 'current messages');
    expect(c.received[0]!.type).to.equal('connected');
    expect(c.received[1]!.type).to.equal('history');
    const connected = c.of('connected')[0]!;
    expect(connected).to.include.keys('version', 'display_version', 'apiVersion', 'safe_mode', 'plugins', 'online', 'lastSeq');
    expect(connected['plugins']).to.be.an('array');
    const history = c.of('history')[0]!;
    expect(history).to.include.keys('state', 'job', 'progress', 'currentZ', 'offsets', 'temps', 'logs', 'messages', 'events', 'serverTime');
    expect(history['state']).to.have.keys('text', 'flags', 'error');
    const current = c.of('current')[0]!;
    expect(current).to.include.keys('state', 'job', 'progress', 'currentZ', 'offsets', 'temps', 'logs', 'messages', 'busyFiles', 'resends');
    expect((current['state'] as { flags: object }).flags).to.include.keys('operational', 'printing', 'paused', 'closedOrError', 'ready');
    expect(current['temps']).to.be.an('array');
  });

  it('forwards every bus event as {type, payload, seq, time}, plugin messages as {plugin, data}', async () => {
    const c = open({ apikey: t.apiKey });
    await waitFor(() => c.of('history').length === 1);
    const fired = bus.fire('ZChange', { old: 0.2, new: 0.4 });
    t.get<PushService>(PushService).sendPluginMessage('demo', { hello: 'world', n: 1 });
    await waitFor(() => c.of('event').some((e) => e['seq'] === fired.seq) && c.of('plugin').length > 0);
    const event = c.of('event').find((e) => e['seq'] === fired.seq)!;
    expect(event).to.deep.equal({ type: 'ZChange', payload: { old: 0.2, new: 0.4 }, seq: fired.seq, time: fired.time });
    expect(c.of('plugin')[0]).to.deep.equal({ plugin: 'demo', data: { hello: 'world', n: 1 } });
  });

  it('replays the 1000 events fired while a client was away, none lost or duplicated', async () => {
    let lastSeq: number | undefined;
    const c = open(() => (lastSeq === undefined ? { apikey: t.apiKey } : { apikey: t.apiKey, lastSeq }), { reconnection: true });
    c.socket.on('event', (e: { seq: number }) => (lastSeq = e.seq));
    await waitFor(() => c.of('history').length === 1);
    for (let i = 0; i < 10; i++) bus.fire('ToolChange', { old: i, new: i + 1 });
    await waitFor(() => c.of('event').length >= 10);
    const before = c.seqs();
    // force a disconnect from the server side, then fire while the client is away
    const reconnected = new Promise((resolve) => c.socket.io.once('reconnect', resolve));
    c.socket.io.engine.close();
    for (let i = 0; i < 1000; i++) bus.fire('ToolChange', { old: i, new: i + 1 });
    await reconnected;
    let lastFired = 0;
    for (let i = 0; i < 5; i++) lastFired = bus.fire('ToolChange', { old: i, new: i + 1 }).seq;
    await waitFor(() => (lastSeq ?? 0) >= lastFired, 10000, 'replay and live events');
    const seqs = c.seqs();
    expect(new Set(seqs).size, 'no duplicates').to.equal(seqs.length);
    const first = before[0]!;
    // every event of the bus (ClientClosed/ClientOpened of the reconnect included), in order
    expect(seqs, 'every seq in order').to.deep.equal(Array.from({ length: seqs.at(-1)! - first + 1 }, (_, i) => first + i));
    expect(seqs.filter((s) => s > before.at(-1)!).length).to.be.greaterThanOrEqual(1005);
    expect(c.of('gap')).to.deep.equal([]);
  });

  it('replays from the durable event log what the in-memory history no longer holds, without a gap', async () => {
    const start = bus.lastSeq;
    for (let i = 0; i < 2000; i++) bus.fire('ToolChange', { old: i, new: i + 1 });
    expect(await bus.idle(5000)).to.equal(true);
    expect(bus.since(start).gap, 'the ring (historySize 1500) lost the oldest').to.equal(true);
    const c = open({ apikey: t.apiKey, lastSeq: start });
    await waitFor(() => c.seqs().at(-1) === bus.lastSeq, 10000, 'catch-up');
    expect(c.of('gap')).to.deep.equal([]);
    expect(c.seqs()).to.deep.equal(Array.from({ length: bus.lastSeq - start }, (_, i) => start + 1 + i));
  });

  it('honours subscribe (events, state, plugins) and throttle per client', async () => {
    const picky = open({ apikey: t.apiKey });
    const all = open({ apikey: t.apiKey });
    await waitFor(() => picky.of('history').length === 1 && all.of('history').length === 1);
    picky.socket.emit('subscribe', { events: ['Home'], state: false, plugins: ['wanted'] });
    // a refused subscribe is answered after the one before took effect (and changes nothing)
    picky.socket.emit('subscribe', { events: true, printers: ['nope'] });
    await waitFor(() => picky.of('error').length === 1, 5000, 'the refusal');
    const since = picky.received.length;
    bus.fire('ZChange', { old: 1, new: 2 });
    bus.fire('Home', {});
    const push = t.get<PushService>(PushService);
    push.sendPluginMessage('unwanted', 1);
    push.sendPluginMessage('wanted', 2);
    await waitFor(() => all.of('event').some((e) => e['type'] === 'Home') && all.of('plugin').length === 2);
    // a few hub ticks (state for those who want it), then a wanted message: picky has all it was sent before it
    const currents = all.of('current').length;
    await waitFor(() => all.of('current').length >= currents + 3, 5000, 'three hub ticks');
    push.sendPluginMessage('wanted', 3);
    await waitFor(() => picky.received.slice(since).filter((m) => m.type === 'plugin').length >= 2, 5000, 'the second wanted message');
    const later = picky.received.slice(since);
    expect(later.filter((m) => m.type === 'event').map((m) => m.data['type'])).to.deep.equal(['Home']);
    expect(later.filter((m) => m.type === 'plugin').map((m) => m.data['plugin'])).to.deep.equal(['wanted', 'wanted']);
    expect(later.filter((m) => m.type === 'current')).to.deep.equal([]);

    // throttle 5: one `current` per 5 hub ticks, counted in ticks, not in wall-clock time
    const feed = t.get<DefaultPushService>(PushService).hub;
    const slow = open({ apikey: t.apiKey });
    await waitFor(() => slow.of('history').length === 1);
    slow.socket.emit('throttle', 5);
    const tick0 = feed.latestTick + 1;
    await waitFor(() => slow.of('current').length > 0 && feed.latestTick >= tick0, 5000, 'a first throttled current');
    const n0 = slow.of('current').length;
    const f0 = all.of('current').length;
    const from = feed.latestTick;
    await waitFor(() => feed.latestTick >= from + 20, 10000, '20 ticks');
    const ticks = feed.latestTick - from;
    await waitFor(() => all.of('current').length - f0 >= ticks, 5000, 'one current per tick for the unthrottled client');
    const throttled = slow.of('current').length - n0;
    expect(throttled).to.be.within(Math.floor(ticks / 5) - 1, Math.ceil(ticks / 5) + 1);
  });

  it('cuts off a socket whose key is revoked, and refuses its reconnect', async () => {
    const accounts = t.get<AuthManager>(AuthManager);
    await accounts.users.add('watcher', { groups: ['readonly'] });
    const key = accounts.users.addKey('watcher', 'push-test');
    const c = open({ apikey: key });
    await waitFor(() => c.of('history').length === 1, 5000, 'history for a read-only key');
    const gone = new Promise((resolve) => c.socket.once('disconnect', resolve));
    expect(accounts.revokeKey(key)).to.equal(true);
    await gone;
    const again = open({ apikey: key });
    expect((await connectError(again)).message).to.equal('Forbidden');
  });

  it('tells PushService listeners when clients open and close, with their address', async () => {
    const push = t.get<PushService>(PushService);
    const opened: PushClientInfo[] = [];
    const closed: PushClientInfo[] = [];
    const d1 = push.onClientOpened((c) => opened.push(c));
    const d2 = push.onClientClosed((c) => closed.push(c));
    const c = open({ apikey: t.apiKey });
    await waitFor(() => opened.length === 1);
    c.close();
    await waitFor(() => closed.length === 1);
    expect(opened[0]!.remoteAddress).to.equal('127.0.0.1');
    expect(closed[0]!.id).to.equal(opened[0]!.id);
    d1.dispose();
    d2.dispose();
  });
});
