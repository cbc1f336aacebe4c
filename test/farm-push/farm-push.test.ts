/**
 * The push channel of a farm, end to end on a host with three simulated printers: socket.io at the
 * root is the farm view (every printer's `history`, `current` and events, keyed by `printer`,
 * narrowed by `subscribe {printers}`); SockJS at `/printer/<id>/sockjs` is that printer alone in
 * OctoPrint's shapes, `/sockjs` the first printer; an unknown printer is 404; removing a printer
 * closes its SockJS sessions; a farm client resuming with `lastSeq` gets its view's events replayed
 * in order, once.
 */
import { expect } from 'chai';
import { WebSocket } from 'ws';
import type { FileRef } from '../../core/events/catalogue.js';
import { EventBus } from '../../core/events/event-bus.js';
import { PrinterRegistry } from '../../core/printers/printer-registry.js';
import { request } from '../clients/helpers.js';
import { openPushClient, type PushClientKind, type TestPushClient } from '../clients/push-clients.js';
import { connectError, pushClient, type RecordingClient } from '../push/support.js';
import { startTestHost, type TestHost } from '../support/host.js';
import { waitFor } from '../support/wait.js';

const FILE: FileRef = { name: 'cube.gcode', path: 'cube.gcode', origin: 'local', file: 'cube.gcode', filename: 'cube.gcode' };
const IDS = ['p1', 'p2', 'p3'];

type Message = Record<string, unknown>;
const logsOf = (m: Message) => m['logs'] as string[];

describe('farm push: views of several printers', function () {
  this.timeout(60_000);
  let t: TestHost;
  let bus: EventBus;
  let registry: PrinterRegistry;
  const sockets: RecordingClient[] = [];
  const sockjs: TestPushClient[] = [];

  const farm = (auth: Record<string, unknown> | (() => Record<string, unknown>) = { apikey: t.apiKey }, options?: { reconnection?: boolean }) => {
    const c = pushClient(t.baseUrl, auth, options);
    sockets.push(c);
    return c;
  };
  async function printerView(base: string, kind: PushClientKind): Promise<TestPushClient> {
    const c = await openPushClient(base, kind);
    sockjs.push(c);
    const login = await request(t.baseUrl, 'POST', '/api/login', { key: t.apiKey, body: { passive: true } });
    c.send({ auth: `${login.body.name}:${login.body.session}` });
    await c.next('history');
    return c;
  }
  /** Sends an M117 marker to each printer: its `>>> M117 <marker>-<id>` log line tells whose state a `current` carries. */
  function mark(marker: string): void {
    for (const id of IDS) registry.get(id)!.printer.commands(`M117 ${marker}-${id}`);
  }
  const hasLog = (m: Message, line: string) => logsOf(m).some((l) => l.includes(line));
  /**
   * Resolves once `n` more `current`s reached the client (rateHz 10: a few ticks): what the host sent
   * it before them has arrived by then (its messages come in order).
   */
  async function moreCurrents(received: readonly { type: string }[], n = 3): Promise<void> {
    const count = () => received.filter((m) => m.type === 'current').length;
    const from = count();
    await waitFor(() => count() >= from + n, 5000, `${n} more currents`);
  }

  before(async () => {
    t = await startTestHost({
      config: {
        push: { rateHz: 10 },
        printers: IDS.map((id) => ({ id, name: id.toUpperCase(), connection: { port: 'virtual', autoconnect: true } })),
      },
    });
    bus = t.get<EventBus>(EventBus);
    registry = t.get<PrinterRegistry>(PrinterRegistry);
    await waitFor(() => IDS.every((id) => registry.get(id)!.printer.snapshot().state.id === 'OPERATIONAL'), 20_000, 'three operational printers');
  });
  afterEach(() => {
    for (const c of sockets.splice(0)) c.close();
    for (const c of sockjs.splice(0)) c.close();
  });
  after(() => t?.stop());

  it('socket.io: history and current for every printer, each with its printer key and its own state', async () => {
    const c = farm();
    await waitFor(() => c.of('history').length === 3, 5000, 'three histories');
    expect(c.of('history').map((h) => h['printer'])).to.deep.equal(IDS);
    for (const h of c.of('history')) expect(h).to.include.keys('state', 'job', 'progress', 'temps', 'logs', 'messages', 'events', 'lastSeq');
    mark('farm');
    await waitFor(() => IDS.every((id) => c.of('current').some((m) => m['printer'] === id && hasLog(m, `M117 farm-${id}`))), 5000, 'each printer\'s marker');
    for (const m of c.of('current')) {
      expect(m['printer']).to.be.oneOf(IDS);
      for (const other of IDS.filter((id) => id !== m['printer'])) expect(hasLog(m, `M117 farm-${other}`), `${String(m['printer'])} carries ${other}'s log`).to.equal(false);
      expect((m['state'] as { flags: Record<string, boolean> }).flags['operational']).to.equal(true);
    }
  });

  it('socket.io with auth.batch: one `currents` per tick holding each printer that changed, no `current`', async () => {
    const c = farm({ apikey: t.apiKey, batch: true });
    await waitFor(() => c.of('history').length === 3, 5000, 'three histories');
    mark('batch');
    const entries = () => c.of('currents').flatMap((m) => m['printers'] as Message[]);
    await waitFor(() => IDS.every((id) => entries().some((e) => e['printer'] === id && hasLog(e, `M117 batch-${id}`))), 5000, 'each printer\'s marker in a batch');
    expect(c.of('current')).to.deep.equal([]);
    for (const batch of c.of('currents')) {
      const ids = (batch['printers'] as Message[]).map((e) => e['printer']);
      expect(new Set(ids).size, 'each printer once per batch').to.equal(ids.length);
      for (const entry of batch['printers'] as Message[]) for (const other of IDS.filter((id) => id !== entry['printer'])) expect(hasLog(entry, `M117 batch-${other}`)).to.equal(false);
    }
  });

  it('socket.io: a rename (PATCH /api/printers/<id>) shows in the next currents, and in a new client\'s history, without a reload', async () => {
    const c = farm();
    await waitFor(() => c.of('history').length === 3, 5000, 'three histories');
    expect(c.of('history').map((h) => h['name'])).to.deep.equal(['P1', 'P2', 'P3']);
    const renamed = await request(t.baseUrl, 'PATCH', '/api/printers/p2', { key: t.apiKey, body: { name: 'Left Prusa' } });
    expect(renamed.status).to.equal(200);
    await waitFor(() => c.of('current').some((m) => m['printer'] === 'p2' && m['name'] === 'Left Prusa'), 5000, 'p2 renamed in a current');
    const after = c.of('current').filter((m) => m['printer'] === 'p1');
    expect(after[after.length - 1]!['name'], 'the others keep theirs').to.equal('P1');
    const fresh = farm();
    await waitFor(() => fresh.of('history').length === 3, 5000, 'three histories');
    expect(fresh.of('history').map((h) => h['name'])).to.deep.equal(['P1', 'Left Prusa', 'P3']);
    expect((await request(t.baseUrl, 'PATCH', '/api/printers/p2', { key: t.apiKey, body: { name: 'P2' } })).status).to.equal(200);
  });

  it('socket.io: subscribe {printers: [p1, p3]} narrows state and printer events; shared events still come; an unknown id is refused with a reason', async () => {
    const c = farm();
    await waitFor(() => c.of('history').length === 3);
    c.socket.emit('subscribe', { state: true, events: true, printers: ['p1', 'nope'] });
    await waitFor(() => c.of('error').length === 1, 5000, 'the refusal');
    expect(c.of('error')[0]).to.deep.equal({ request: 'subscribe', error: 'subscribe.printers names no printer "nope"' });
    c.socket.emit('subscribe', { state: true, events: true, printers: ['p1', 'p3'] });
    // a second refusal answers after the subscription took effect: what was on its way before has arrived
    c.socket.emit('subscribe', { state: true, events: true, printers: ['nope'] });
    await waitFor(() => c.of('error').length === 2, 5000, 'the second refusal');
    const from = c.received.length;
    const p1 = bus.fire('PrintStarted', { ...FILE, printer: 'p1' } as never);
    const p2 = bus.fire('PrintStarted', { ...FILE, printer: 'p2' } as never);
    const shared = bus.fire('FileAdded', { storage: 'local', path: 'a.gcode', name: 'a.gcode', type: ['machinecode', 'gcode'] });
    mark('narrow');
    await waitFor(() => c.seqs().includes(shared.seq) && ['p1', 'p3'].every((id) => c.received.slice(from).some((m) => m.type === 'current' && hasLog(m.data, `M117 narrow-${id}`))), 5000, 'p1/p3 state and the events');
    await moreCurrents(c.received);
    const later = c.received.slice(from);
    const printers = new Set(later.filter((m) => m.type === 'current').map((m) => m.data['printer']));
    expect([...printers].sort()).to.deep.equal(['p1', 'p3']);
    const events = later.filter((m) => m.type === 'event').map((m) => m.data);
    expect(events.map((e) => e['seq'])).to.include.members([p1.seq, shared.seq]).and.not.include(p2.seq);
    expect(events.find((e) => e['seq'] === p1.seq)).to.deep.include({ type: 'PrintStarted', printer: 'p1' });
    expect(events.find((e) => e['seq'] === shared.seq)).to.not.have.property('printer');
  });

  for (const kind of ['sockjs-websocket', 'sockjs-xhr-streaming', 'raw'] as const) {
    it(`SockJS (${kind}) at /printer/p2: only p2's state and events plus shared ones, in OctoPrint's shapes`, async () => {
      const c = await printerView(`${t.baseUrl}/printer/p2`, kind);
      const history = c.messages.find((m) => m.type === 'history')!.data as Message;
      expect(history).to.include.keys('state', 'job', 'progress', 'currentZ', 'offsets', 'temps', 'logs', 'messages', 'events');
      expect(history).to.not.have.property('printer');
      const from = c.messages.length;
      const p1 = bus.fire('PrintStarted', { ...FILE, printer: 'p1' } as never);
      const p2 = bus.fire('PrintStarted', { ...FILE, printer: 'p2' } as never);
      const shared = bus.fire('FileAdded', { storage: 'local', path: 'b.gcode', name: 'b.gcode', type: ['machinecode', 'gcode'] });
      mark(`view-${kind}`);
      const seqs = () => c.messages.slice(from).filter((m) => m.type === 'event').map((m) => (m.data as Message)['seq']);
      await waitFor(() => seqs().includes(shared.seq) && c.messages.slice(from).some((m) => m.type === 'current' && hasLog(m.data, `M117 view-${kind}-p2`)), 5000, 'p2\'s marker and the events');
      await moreCurrents(c.messages);
      expect(seqs()).to.include.members([p2.seq, shared.seq]).and.not.include(p1.seq);
      const event = c.messages.find((m) => m.type === 'event' && m.data.seq === p2.seq)!.data as Message;
      expect(Object.keys(event).sort()).to.deep.equal(['payload', 'seq', 'time', 'type']);
      for (const m of c.messages.slice(from).filter((x) => x.type === 'current')) {
        expect(m.data).to.not.have.property('printer');
        expect(m.data).to.include.keys('state', 'job', 'progress', 'temps', 'logs', 'messages', 'busyFiles');
        for (const other of ['p1', 'p3']) expect(hasLog(m.data, `M117 view-${kind}-${other}`)).to.equal(false);
      }
    });
  }

  for (const transport of ['websocket', 'polling'] as const) {
    it(`socket.io under /printer/<id>/ (${transport}) is that printer's view: its state and logs only, no printer key`, async () => {
      const c = pushClient(t.baseUrl, { apikey: t.apiKey }, { path: '/printer/p2/socket.io', transports: [transport] });
      sockets.push(c);
      await waitFor(() => c.of('history').length === 1, 5000, 'one history');
      expect(c.of('history')[0]).to.not.have.key('printer');
      mark(`view-${transport}`);
      await waitFor(() => c.of('current').some((m) => hasLog(m, `M117 view-${transport}-p2`)), 5000, 'p2\'s marker');
      await moreCurrents(c.received);
      expect(c.of('history').length).to.equal(1);
      for (const m of c.of('current')) {
        expect(m).to.not.have.property('printer');
        for (const other of ['p1', 'p3']) expect(hasLog(m, `M117 view-${transport}-${other}`), `carries ${other}'s log`).to.equal(false);
      }
    });
  }

  it('socket.io under an unknown printer\'s prefix is refused', async () => {
    const c = pushClient(t.baseUrl, { apikey: t.apiKey }, { path: '/printer/nope/socket.io', transports: ['polling'] });
    sockets.push(c);
    const error = await connectError(c);
    expect(error.message).to.match(/404|xhr poll error/i);
    expect(c.of('history')).to.deep.equal([]);
  });

  it('SockJS at /sockjs stays the first printer\'s', async () => {
    const c = await printerView(t.baseUrl, 'raw');
    const from = c.messages.length;
    mark('root');
    await waitFor(() => c.messages.slice(from).some((m) => m.type === 'current' && hasLog(m.data, 'M117 root-p1')), 5000, 'p1\'s marker');
    await moreCurrents(c.messages);
    for (const m of c.messages.slice(from).filter((x) => x.type === 'current')) {
      expect(hasLog(m.data, 'M117 root-p2') || hasLog(m.data, 'M117 root-p3')).to.equal(false);
    }
  });

  it('an unknown printer\'s SockJS is 404, over http and as a websocket upgrade', async () => {
    expect((await request(t.baseUrl, 'GET', '/printer/nope/sockjs/info')).status).to.equal(404);
    expect((await request(t.baseUrl, 'GET', '/printer/p2/sockjs/info')).status).to.equal(200);
    for (const path of ['/printer/nope/sockjs/websocket', '/printer/nope/sockjs/000/abcdefgh/websocket']) {
      const ws = new WebSocket(`${t.baseUrl.replace(/^http/, 'ws')}${path}`);
      const status = await new Promise<number>((resolve, reject) => {
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.once('open', () => reject(new Error(`${path} opened`)));
        ws.once('error', () => undefined);
      });
      expect(status, path).to.equal(404);
    }
  });

  it('a farm client resuming with lastSeq (narrowed to p1 in its handshake) gets p1\'s and the shared events in order, once', async () => {
    let lastSeq: number | undefined;
    const auth = () => ({ apikey: t.apiKey, printers: ['p1'], ...(lastSeq === undefined ? {} : { lastSeq }) });
    const c = farm(auth, { reconnection: true });
    c.socket.on('event', (e: { seq: number }) => (lastSeq = e.seq));
    await waitFor(() => c.of('history').length === 1, 5000, 'p1\'s history only');
    expect(c.of('history')[0]!['printer']).to.equal('p1');
    const first = bus.fire('PrintStarted', { ...FILE, printer: 'p1' } as never);
    await waitFor(() => lastSeq === first.seq);
    const reconnected = new Promise((resolve) => c.socket.io.once('reconnect', resolve));
    c.socket.io.engine.close();
    const wanted: number[] = [];
    const unwanted: number[] = [];
    for (let i = 0; i < 30; i++) {
      const id = IDS[i % 3]!;
      const fired = i % 5 === 0 ? bus.fire('FileAdded', { storage: 'local', path: `${i}.gcode`, name: `${i}.gcode`, type: ['machinecode', 'gcode'] }) : bus.fire('ZChange', { old: i, new: i + 1, printer: id } as never);
      (i % 5 === 0 || id === 'p1' ? wanted : unwanted).push(fired.seq);
    }
    await reconnected;
    await waitFor(() => c.seqs().includes(wanted.at(-1)!), 5000, 'the replay');
    // a shared event fired now comes after anything the replay still had on its way
    const after = bus.fire('FileAdded', { storage: 'local', path: 'after.gcode', name: 'after.gcode', type: ['machinecode', 'gcode'] });
    await waitFor(() => c.seqs().includes(after.seq), 5000, 'the event after the replay');
    const seqs = c.seqs();
    // the host's own ClientOpened/ClientClosed (shared events) come too: in order, once
    const ours = new Set([first.seq, ...wanted, ...unwanted]);
    expect(seqs.filter((s) => ours.has(s))).to.deep.equal([first.seq, ...wanted]);
    expect(seqs).to.deep.equal([...new Set(seqs)].sort((a, b) => a - b));
    for (const e of c.of('event')) expect(e['printer']).to.be.oneOf(['p1', undefined]);
  });

  it('removing a printer closes its SockJS sessions, not the others\'; its prefix is then 404', async () => {
    const ws = await printerView(`${t.baseUrl}/printer/p2`, 'sockjs-websocket');
    const xhr = await printerView(`${t.baseUrl}/printer/p2`, 'sockjs-xhr-streaming');
    const raw = await printerView(`${t.baseUrl}/printer/p2`, 'raw');
    const other = await printerView(`${t.baseUrl}/printer/p3`, 'raw');
    const watcher = farm();
    await waitFor(() => watcher.of('history').length === 3);
    await registry.remove('p2');
    await waitFor(() => ws.closed && xhr.closed && raw.closed, 10_000, 'p2\'s sessions closed');
    // p3's session goes on receiving
    await moreCurrents(other.messages);
    expect(other.closed).to.equal(false);
    expect((await request(t.baseUrl, 'GET', '/printer/p2/sockjs/info')).status).to.equal(404);
    const from = watcher.received.length;
    await waitFor(() => watcher.received.slice(from).filter((m) => m.type === 'current').length >= 4, 5000, 'farm ticks after the removal');
    expect(new Set(watcher.received.slice(from).filter((m) => m.type === 'current').map((m) => m.data['printer']))).to.not.include('p2');
  });
});
