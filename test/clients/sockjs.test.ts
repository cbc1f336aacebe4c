/**
 * OctoPrint's push socket: a real sockjs-client (websocket, xhr-streaming, xhr-polling) and a plain
 * ws client go connected → auth → history → current → event; the login → auth → subscribe → throttle
 * flow; bad and revoked auth; bad input; oversized frames; ordering against socket.io clients.
 */
import { expect } from 'chai';
import { io as ioClient, type Socket } from 'socket.io-client';
import { AuthManager } from '../../core/auth/api.js';
import { EventBus } from '../../core/events/event-bus.js';
import { PushService } from '../../core/push/api.js';
import type { DefaultPushService } from '../../core/push/service.js';
import type { FileRef } from '../../core/events/catalogue.js';
import { startTestHost, type TestHost } from '../support/host.js';
import { request } from './helpers.js';
import { openPushClient, type PushClientKind, type TestPushClient } from './push-clients.js';
import { waitFor } from '../support/wait.js';

const FILE: FileRef = { name: 'cube.gcode', path: 'cube.gcode', origin: 'local', file: 'cube.gcode', filename: 'cube.gcode' };

describe('clients: SockJS push', function () {
  this.timeout(30_000);
  let t: TestHost;
  let bus: EventBus;
  let auth: AuthManager;
  const open: TestPushClient[] = [];

  async function login(key = t.apiKey): Promise<string> {
    const r = await request(t.baseUrl, 'POST', '/api/login', { key, body: { passive: true } });
    expect(r.status).to.equal(200);
    return `${r.body.name}:${r.body.session}`;
  }

  async function client(kind: PushClientKind): Promise<TestPushClient> {
    const c = await openPushClient(t.baseUrl, kind);
    open.push(c);
    return c;
  }

  /**
   * Resolves once the hub has ticked `n` more times, seen by a witness: an authenticated client (the
   * hub ticks only while there is one) that received `n` more `current`s. Whatever a tick sends to any
   * client has been sent by then.
   */
  async function hubTicks(n: number): Promise<void> {
    const witness = await openPushClient(t.baseUrl, 'raw');
    try {
      witness.send({ auth: await login() });
      const first = await witness.next('current');
      const from = witness.messages.indexOf(first);
      await waitFor(() => witness.messages.slice(from).filter((m) => m.type === 'current').length > n, 10000, `${n} more currents on the witness`);
    } finally {
      witness.close();
    }
  }

  /**
   * Resolves once the server has read everything `c` sent so far: a bad `throttle` is read in order,
   * logged and ignored (it changes nothing), so its log line marks the place.
   */
  async function readSoFar(c: TestPushClient): Promise<void> {
    const ignored = () => t.logs.filter((l) => l.msg === 'ignored a bad push client message').length;
    const before = ignored();
    c.send({ throttle: 0 });
    await waitFor(() => ignored() > before, 10000, 'the server to read the client');
  }

  /**
   * The types a client received before the `history` that answers an auth sent now: the socket is
   * ordered, so whatever the server sent it before it was authenticated is in there.
   */
  async function receivedBeforeAuth(c: TestPushClient): Promise<string[]> {
    const from = c.messages.length;
    c.send({ auth: await login() });
    const history = await c.next('history', from);
    return c.messages.slice(0, c.messages.indexOf(history)).map((m) => m.type);
  }

  before(async () => {
    t = await startTestHost({ config: { push: { rateHz: 10 } } });
    bus = t.get<EventBus>(EventBus);
    auth = t.get<AuthManager>(AuthManager);
  });
  afterEach(() => {
    for (const c of open.splice(0)) c.close();
  });
  after(() => t?.stop());

  it('serves the SockJS info endpoint', async () => {
    const r = await request(t.baseUrl, 'GET', '/sockjs/info');
    expect(r.status).to.equal(200);
    expect(r.body).to.include({ websocket: true, cookie_needed: false });
  });

  for (const kind of ['sockjs-websocket', 'sockjs-xhr-streaming', 'sockjs-xhr-polling', 'sockjs-eventsource', 'raw'] as const) {
    it(`${kind}: connected → auth → history → current → event, as objects`, async () => {
      const c = await client(kind);
      const connected = await c.next('connected');
      expect(connected.data).to.include.keys('version', 'display_version', 'branch', 'plugin_hash', 'config_hash', 'debug', 'safe_mode', 'online', 'permissions');
      expect(connected.data.permissions.map((p: { key: string }) => p.key)).to.include.members(['ADMIN', 'STATUS', 'PRINT']);
      // nothing else before auth, however many ticks of the hub go by (rateHz 10)
      await hubTicks(2);
      expect(await receivedBeforeAuth(c)).to.deep.equal(['connected']);
      const history = await c.next('history');
      expect(history.data).to.include.keys('state', 'temps', 'logs', 'messages');
      const current = await c.next('current');
      expect(current.data).to.include.keys('state', 'job', 'progress', 'currentZ', 'offsets', 'temps', 'logs', 'messages', 'busyFiles', 'resends');
      expect(current.data.state).to.include.keys('text', 'flags');
      bus.fire('PrintStarted', FILE);
      // (the witness of hubTicks came and went: its ClientClosed may come first)
      const event = await waitFor(() => c.messages.find((m) => m.type === 'event' && m.data.type === 'PrintStarted'), 5000, 'the PrintStarted event');
      expect(event.data.payload).to.include({ name: 'cube.gcode', path: 'cube.gcode', origin: 'local' });
      expect(event.data.seq).to.be.a('number');
      t.get<PushService>(PushService).sendPluginMessage('octolapse', { hello: 'world' });
      const plugin = await c.next('plugin');
      expect(plugin.data).to.deep.equal({ plugin: 'octolapse', data: { hello: 'world' } });
      if (kind !== 'raw') expect(c.dataTypes.every((d) => d === 'object')).to.equal(true, 'SockJS messages arrive as objects');
    });
  }

  it('a client that has not authenticated receives only connected', async () => {
    const c = await client('sockjs-websocket');
    const raw = await client('raw');
    bus.fire('PrintStarted', FILE);
    await bus.idle(5000);
    await hubTicks(2);
    expect(await receivedBeforeAuth(c)).to.deep.equal(['connected']);
    expect(await receivedBeforeAuth(raw)).to.deep.equal(['connected']);
  });

  it('answers a bad auth with reauthRequired, ignores garbage, and stays open', async () => {
    const c = await client('sockjs-websocket');
    c.send({ auth: 'admin:0000' });
    await c.next('reauthRequired');
    c.sendText('{not json');
    c.send({ nonsense: 1 });
    c.send([1, 2, 3]);
    c.send({ subscribe: 'wrong' });
    c.send({ auth: await login() });
    // read in order after the garbage: the socket stayed open through it
    await c.next('history');
    expect(c.closed).to.equal(false);
    expect(t.logs.some((l) => /ignored/.test(l.msg))).to.equal(true);
  });

  it('login → auth → subscribe → throttle', async () => {
    const c = await client('sockjs-websocket');
    c.send({ auth: await login() });
    await c.next('history');
    c.send({ subscribe: { state: false, events: ['PrintDone'] } });
    await readSoFar(c);
    // a current the hub sent just before it read the subscribe may still be on its way: a marker
    // event fired now is written behind it on the ordered socket, so past the marker nothing old is left
    bus.fire('PrintDone', { ...FILE, time: 0 });
    await waitFor(() => c.messages.some((m) => m.type === 'event' && m.data.type === 'PrintDone' && m.data.payload.time === 0), 5000, 'the marker PrintDone');
    const mark = c.messages.length;
    bus.fire('PrintStarted', FILE);
    bus.fire('PrintDone', { ...FILE, time: 1 });
    const done = await c.next('event', mark);
    expect(done.data.type).to.equal('PrintDone');
    // no PrintStarted, and no current whatever the hub ticks: a second PrintDone, fired after the
    // ticks, arrives after anything the client was sent for them
    await hubTicks(2);
    bus.fire('PrintDone', { ...FILE, time: 2 });
    await waitFor(() => c.messages.slice(mark).filter((m) => m.type === 'event').length >= 2, 5000, 'the second PrintDone');
    expect(c.messages.slice(mark).map((m) => `${m.type} ${m.data.type ?? ''}`)).to.deep.equal(['event PrintDone', 'event PrintDone']);
    // state again, at a tenth of the rate
    c.send({ subscribe: { state: true, events: true } });
    c.send({ throttle: 10 });
    // counted in hub ticks, not wall-clock time: one current per 10 ticks
    const feed = t.get<DefaultPushService>(PushService).hub;
    await c.next('current', mark);
    const from = c.messages.length;
    const tick0 = feed.latestTick;
    await waitFor(() => feed.latestTick >= tick0 + 25, 10000);
    await waitFor(() => c.messages.slice(from).filter((m) => m.type === 'current').length >= 2, 5000);
    const ticks = feed.latestTick - tick0;
    const currents = c.messages.slice(from).filter((m) => m.type === 'current').length;
    expect(currents).to.be.within(Math.floor(ticks / 10) - 1, Math.ceil(ticks / 10) + 1);
  });

  it('keeps current within its rate under an event storm', async () => {
    const c = await client('raw');
    c.send({ auth: await login() });
    await c.next('history');
    const from = c.messages.length;
    // counted in hub ticks: at most one current per tick however many events go by
    const feed = t.get<DefaultPushService>(PushService).hub;
    const tick0 = feed.latestTick;
    for (let i = 0; i < 2000; i++) bus.fire('PrintStarted', FILE);
    const events = () => c.messages.slice(from).filter((m) => m.type === 'event' && m.data.type === 'PrintStarted').length;
    await waitFor(() => events() === 2000, 10000);
    const currents = c.messages.slice(from).filter((m) => m.type === 'current').length;
    expect(currents).to.be.at.most(feed.latestTick - tick0 + 1);
    expect(events()).to.equal(2000);
  });

  it('cuts off a revoked key mid-session and a logged-out session', async () => {
    await auth.users.add('carol', { groups: ['users'] });
    const key = auth.users.addKey('carol', 'phone');
    const c = await client('sockjs-xhr-streaming');
    c.send({ auth: await login(key) });
    await c.next('history');
    const mark = c.messages.length;
    auth.revokeKey(key);
    const reauth = await c.next('reauthRequired', mark);
    expect(reauth.data).to.have.property('reason');
    bus.fire('PrintStarted', FILE);
    await bus.idle(5000);
    await hubTicks(2);
    // nothing after reauthRequired until it authenticates again
    const after = c.messages.indexOf(reauth) + 1;
    const types = await receivedBeforeAuth(c);
    expect(types.slice(after)).to.deep.equal([]);

    const session = await login();
    const d = await client('raw');
    d.send({ auth: session });
    await d.next('history');
    const m2 = d.messages.length;
    await request(t.baseUrl, 'POST', '/api/logout', { key: t.apiKey, headers: { Cookie: `cuttle_session=${session.split(':')[1]}` } });
    await d.next('reauthRequired', m2);
  });

  it('asks for re-authentication when the session expires or the user is deleted', async () => {
    await auth.users.add('dave', { groups: ['users'] });
    const key = auth.users.addKey('dave', 'tablet');
    const c = await client('sockjs-websocket');
    c.send({ auth: await login(key) });
    await c.next('history');
    auth.options.sessionTtlMs = 200;
    try {
      await c.next('reauthRequired', 0, 3000);
    } finally {
      auth.options.sessionTtlMs = 24 * 3600_000;
    }
    const d = await client('raw');
    d.send({ auth: await login(key) });
    await d.next('history');
    auth.deleteUser('dave');
    await d.next('reauthRequired');
    expect(d.closed).to.equal(false);
  });

  it('a read-only key reads state on the socket', async () => {
    await auth.users.add('reader', { groups: ['readonly'] });
    const key = auth.users.addKey('reader', 'dashboard');
    const c = await client('raw');
    c.send({ auth: await login(key) });
    await c.next('history');
    await c.next('current');
  });

  it('closes only the socket that sends an oversized frame', async () => {
    const big = await client('raw');
    const other = await client('sockjs-websocket');
    other.send({ auth: await login() });
    await other.next('history');
    big.sendText(JSON.stringify({ throttle: 'x'.repeat(200 * 1024) }));
    await waitFor(() => big.closed, 5000, 'the oversized socket to close');
    const mark = other.messages.length;
    bus.fire('PrintStarted', FILE);
    await other.next('event', mark);
    expect(other.closed).to.equal(false);
  });

  it('500 SockJS clients receive the same events in the same order as socket.io clients', async function () {
    this.timeout(60_000);
    const session = await login();
    const sockjs: TestPushClient[] = [];
    for (let batch = 0; batch < 10; batch++) {
      const opened = await Promise.all(Array.from({ length: 50 }, () => client('framed-ws')));
      for (const c of opened) c.send({ auth: session });
      sockjs.push(...opened);
    }
    await Promise.all(sockjs.map((c) => c.next('history', 0, 20_000)));
    const io: Socket[] = [];
    const ioEvents: number[][] = [];
    for (let i = 0; i < 3; i++) {
      const s = ioClient(t.baseUrl, { auth: { apikey: t.apiKey }, transports: ['websocket'] });
      const seen: number[] = [];
      s.on('event', (e: { type: string; seq: number }) => e.type === 'PrintProgress' || e.type === 'PrintStarted' ? seen.push(e.seq) : undefined);
      await new Promise<void>((resolve) => s.once('history', () => resolve()));
      io.push(s);
      ioEvents.push(seen);
    }
    const marks = sockjs.map((c) => c.messages.length);
    for (let i = 0; i < 100; i++) bus.fire('PrintStarted', FILE);
    const seqsOf = (c: TestPushClient, i: number) => c.messages.slice(marks[i]).filter((m) => m.type === 'event' && m.data.type === 'PrintStarted').map((m) => m.data.seq as number);
    try {
      await waitFor(() => sockjs.every((c, i) => seqsOf(c, i).length >= 100) && ioEvents.every((e) => e.length >= 100), 30_000, 'the 100 events on every client');
    } finally {
      for (const s of io) s.close();
    }
    const reference = ioEvents[0]!;
    expect(reference).to.have.length(100);
    for (const e of ioEvents) expect(e).to.deep.equal(reference);
    sockjs.forEach((c, i) => expect(seqsOf(c, i)).to.deep.equal(reference));
  });
});
