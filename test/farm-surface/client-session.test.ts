/**
 * Every printer of a farm is an OctoPrint to its clients: an OctoPrint client session (see
 * octoprint-client.ts) with its base URL at `/printer/p2/` on the main port, and at the root of
 * printer p3's own `listen` port — version, login, the push socket (SockJS at the base's `sockjs`),
 * connection, SD card, upload + select + print, job, printer state, app keys, downloads — acts on
 * and hears of that printer only, while p1 (the root's printer,
 * connected throughout) and the other printers are left as they were. URLs in the answers lead back
 * the way the client came. The same sessions with a client that joins paths sloppily also pass.
 */
import { expect } from 'chai';
import { WebSocket } from 'ws';
import { openPushClient, type PushClientKind, type TestPushClient } from '../clients/push-clients.js';

import { freePort } from '../support/free-port.js';
import { OctoPrintClient } from './octoprint-client.js';
import { gcodeFile, startFarmHost, waitForState, type FarmHost } from './support.js';
import { waitFor } from '../support/wait.js';

describe('farm surface: an OctoPrint client session per printer', function () {
  this.timeout(60_000);
  let farm: FarmHost;
  let listenPort: number;

  before(async () => {
    listenPort = await freePort();
    farm = await startFarmHost([{ id: 'p1' }, { id: 'p2' }, { id: 'p3', listen: listenPort }]);
    await farm.printer('p1').connect();
    await waitForState(farm.printer('p1'), 'OPERATIONAL');
    const root = new OctoPrintClient({ baseurl: farm.t.baseUrl, apikey: farm.t.apiKey });
    expect((await root.files.upload('local', gcodeFile('noise of p1'), 'noise-p1.gcode')).status).to.equal(201);
  });
  after(async () => {
    for (const socket of sockets) socket.close();
    await farm?.stop();
  });
  const sockets: TestPushClient[] = [];

  /** The client's push socket: OctoPrint's client opens SockJS at getBaseUrl() + "sockjs"; a sloppy one glues "/sockjs" to its base. */
  async function openSocket(client: OctoPrintClient, kind: PushClientKind, login: { name: string; session: string }): Promise<TestPushClient> {
    const base = client.options.sloppy ? client.options.baseurl : client.getBaseUrl().slice(0, -1);
    const socket = await openPushClient(base, kind);
    sockets.push(socket);
    await socket.next('connected', 0, 10_000);
    socket.send({ auth: `${login.name}:${login.session}` });
    await socket.next('history', 0, 10_000);
    return socket;
  }

  /** something happens on p1 (the root's printer) while the session's socket listens: it must not hear of it */
  async function noiseOnP1(): Promise<void> {
    const root = new OctoPrintClient({ baseurl: farm.t.baseUrl, apikey: farm.t.apiKey });
    expect((await root.files.select('local', 'noise-p1.gcode')).status).to.equal(204);
    expect((await root.issueCommand('api/files/local/noise-p1.gcode', 'unselect')).status).to.equal(204);
  }

  /** The whole session against `baseurl`, which must be printer `id`'s surface; `base` is what URLs in answers start with. */
  async function session(client: OctoPrintClient, id: string, base: string, push: PushClientKind): Promise<void> {
    const me = farm.printer(id);
    const others = farm.registry.list().filter((s) => s.id !== id);
    const othersBefore = () => Object.fromEntries(others.map((s) => [s.id, { state: s.printer.state.id, job: s.printer.snapshot().job?.path ?? null }]));
    const untouched = othersBefore();

    const version = await client.get('api/version');
    expect(version.status).to.equal(200);
    expect(version.json).to.include.keys('api', 'server', 'text');

    const login = await client.browser.passiveLogin();
    expect(login.status).to.equal(200);
    expect(login.json).to.include.keys('name', 'session', 'admin');

    const socket = await openSocket(client, push, login.json);
    await noiseOnP1();

    const page = await client.get('');
    expect(page.status, 'status page at the base').to.equal(200);
    expect(page.headers.get('content-type')).to.match(/text\/html/);

    // connection
    expect((await client.connection.getSettings()).json.current.state).to.equal('Offline');
    expect((await client.connection.connect()).status).to.equal(204);
    await waitForState(me, 'OPERATIONAL');
    expect((await client.connection.getSettings()).json.current.state).to.equal('Operational');
    expect(othersBefore(), 'the other printers after connect').to.deep.equal(untouched);

    const state = await client.printer.getFullState();
    expect(state.status).to.equal(200);
    expect(state.json.state.flags).to.include({ operational: true, printing: false });

    // this printer's SD card, not p1's
    expect((await client.printer.getSdState()).json).to.deep.equal({ ready: true });
    const card = await client.files.upload('sdcard', gcodeFile(`card of ${id}`, 5), `Card-${id}.gcode`);
    expect(card.status).to.equal(201);
    expect(card.json.files.sdcard.refs.resource).to.equal(`${base}api/files/sdcard/card-${id}.gcode`);
    const listed = (await client.files.listForLocation('sdcard')).json.files.map((f: { name: string }) => f.name);
    expect(listed).to.include(`card-${id}.gcode`);
    expect((await farm.printer('p1').sd.list()).map((f) => f.name)).to.not.include(`card-${id}.gcode`);
    expect((await client.files.get('sdcard', `card-${id}.gcode`)).status).to.equal(200);
    expect((await client.files.delete('sdcard', `card-${id}.gcode`)).status).to.equal(204);
    expect((await client.files.listForLocation('sdcard')).json.files.map((f: { name: string }) => f.name)).to.not.include(`card-${id}.gcode`);

    // upload and select, with URLs that lead back the same way
    const name = `job-${id}.gcode`;
    const content = gcodeFile(`job of ${id}`);
    const up = await client.files.upload('local', content, name, { select: 'true' });
    expect(up.status).to.equal(201);
    expect(up.json).to.include({ done: true, effectiveSelect: true, effectivePrint: false });
    const refs = up.json.files.local.refs;
    expect(refs.resource).to.equal(`${base}api/files/local/${name}`);
    expect(refs.download).to.equal(`${base}downloads/files/local/${name}`);
    expect(up.headers.get('location')).to.equal(refs.resource);
    expect((await client.get(refs.resource)).json).to.include({ name, origin: 'local' });
    expect((await client.get(refs.download)).json).to.equal(content);
    const selected = await client.job.get();
    expect(selected.json.job.file).to.include({ name, origin: 'local' });
    expect(selected.json.state).to.equal('Operational');
    expect(othersBefore(), 'the other printers after select').to.deep.equal(untouched);

    // print, then cancel
    expect((await client.files.select('local', name, true)).status).to.equal(204);
    await waitForState(me, 'PRINTING');
    const printing = await client.job.get();
    expect(printing.json.state).to.equal('Printing');
    expect(printing.json.job.file.name).to.equal(name);
    expect((await client.printer.getFullState()).json.state.flags).to.include({ printing: true });
    const printingCurrent = await waitFor(() => socket.messages.find((m) => m.type === 'current' && m.data.state.text === 'Printing'), 10_000);
    expect(printingCurrent.data.job.file.name).to.equal(name);
    expect(othersBefore(), 'the other printers while it prints').to.deep.equal(untouched);
    expect((await client.job.cancel()).status).to.equal(204);
    await waitForState(me, 'OPERATIONAL');

    // the socket heard this printer's print and nothing of p1's, in state or events
    const events = (type: string) => socket.messages.filter((m) => m.type === 'event' && m.data.type === type).map((m) => m.data.payload);
    await waitFor(() => events('PrintCancelled').length > 0, 10_000);
    expect(events('PrintStarted').map((p) => p.name)).to.deep.equal([name]);
    expect(events('PrintCancelled').map((p) => p.name)).to.deep.equal([name]);
    expect(events('FileSelected').map((p) => p.name)).to.deep.equal([name, name]);
    expect(events('Connected').length, 'its own Connected').to.equal(1);
    expect(socket.messages.filter((m) => m.type === 'event' && m.data.payload?.printer !== undefined).every((m) => m.data.payload.printer === id)).to.equal(true);
    expect(socket.messages.filter((m) => m.type === 'current').every((m) => m.data.job.file.name !== 'noise-p1.gcode')).to.equal(true);

    // app keys: the request's polling URL is under the same base
    const keyRequest = await client.postJson('plugin/appkeys/request', { app: `farm-${id}` });
    expect(keyRequest.status).to.equal(201);
    expect(keyRequest.headers.get('location')).to.equal(`${base}plugin/appkeys/request/${keyRequest.json.app_token}`);
    expect((await client.get(keyRequest.headers.get('location')!)).status).to.equal(202);

    expect((await client.connection.disconnect()).status).to.equal(204);
    await waitForState(me, 'OFFLINE');
    expect(othersBefore(), 'the other printers at the end').to.deep.equal(untouched);
    expect(farm.printer('p1').state.id).to.equal('OPERATIONAL');
  }

  it('at /printer/p2/ on the main port', async () => {
    const base = `${farm.t.baseUrl}/printer/p2/`;
    await session(new OctoPrintClient({ baseurl: base, apikey: farm.t.apiKey }), 'p2', base, 'sockjs-websocket');
  });

  it("at the root of p3's listen port", async () => {
    const base = `http://127.0.0.1:${listenPort}/`;
    await session(new OctoPrintClient({ baseurl: base, apikey: farm.t.apiKey }), 'p3', base, 'sockjs-websocket');
  });

  it("at the root of p3's listen port with SockJS over xhr-streaming", async () => {
    const base = `http://127.0.0.1:${listenPort}/`;
    await session(new OctoPrintClient({ baseurl: base, apikey: farm.t.apiKey }), 'p3', base, 'sockjs-xhr-streaming');
  });

  it('with a client that joins base + "/api/…" (doubled slashes), at the prefix and at the listen port', async () => {
    const prefix = `${farm.t.baseUrl}/printer/p2/`;
    await session(new OctoPrintClient({ baseurl: prefix, apikey: farm.t.apiKey, sloppy: true }), 'p2', prefix, 'raw');
    const root = `http://127.0.0.1:${listenPort}/`;
    await session(new OctoPrintClient({ baseurl: root, apikey: farm.t.apiKey, sloppy: true }), 'p3', root, 'raw');
  });

  it('with a base without its trailing slash glued to the path (`/printer/p2api/version`)', async () => {
    const glued = new OctoPrintClient({ baseurl: `${farm.t.baseUrl}/printer/p2`, apikey: farm.t.apiKey });
    const version = await glued.get(`${farm.t.baseUrl}/printer/p2api/version`);
    expect(version.status).to.equal(200);
    const job = await glued.get(`${farm.t.baseUrl}/printer/p2api/job`);
    expect(job.status).to.equal(200);
    expect((await glued.get(`${farm.t.baseUrl}/printer/p9api/job`)).status, 'no printer p9').to.equal(404);
    // and the push socket's plain websocket, glued the same way: p2's socket, not the root's
    expect(farm.printer('p2').state.id, 'p2 and the root printer differ').to.not.equal(farm.printer('p1').state.id);
    const login = await glued.postJson(`${farm.t.baseUrl}/printer/p2api/login`, { passive: true });
    expect(login.status).to.equal(200);
    const received: Record<string, any>[] = [];
    const ws = new WebSocket(`${farm.t.baseUrl.replace(/^http/, 'ws')}/printer/p2sockjs/websocket`);
    ws.on('message', (data) => received.push(JSON.parse(String(data)) as Record<string, any>));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    await waitFor(() => received.find((m) => m.connected));
    ws.send(JSON.stringify({ auth: `${login.json.name}:${login.json.session}` }));
    const history = await waitFor(() => received.find((m) => m.history), 10_000);
    ws.close();
    expect(history.history.state.text).to.equal(farm.printer('p2').snapshot().state.text);
  });

  it("serves each printer's own timelapse", async () => {
    const p2 = new OctoPrintClient({ baseurl: `${farm.t.baseUrl}/printer/p2/`, apikey: farm.t.apiKey });
    const p3 = new OctoPrintClient({ baseurl: `http://127.0.0.1:${listenPort}/`, apikey: farm.t.apiKey });
    const root = new OctoPrintClient({ baseurl: farm.t.baseUrl, apikey: farm.t.apiKey });
    const before = (await root.get('api/timelapse')).json.config;
    const changed = await p2.postJson('api/timelapse', { type: 'timed', interval: 7 });
    expect(changed.status).to.equal(200);
    expect(changed.json.config).to.include({ type: 'timed', interval: 7 });
    expect((await p2.get('api/timelapse')).json.config).to.include({ type: 'timed', interval: 7 });
    expect((await root.get('api/timelapse')).json.config).to.deep.equal(before);
    expect((await p3.get('api/timelapse')).json.config).to.deep.equal(before);
    expect(farm.registry.get('p2')!.timelapse.config()).to.include({ type: 'timed', interval: 7 });
  });

  it('leaves the root of the main port to the first printer', async () => {
    const root = new OctoPrintClient({ baseurl: farm.t.baseUrl, apikey: farm.t.apiKey });
    expect((await root.connection.getSettings()).json.current.state).to.equal('Operational');
    const up = await root.files.upload('local', gcodeFile('root'), 'root.gcode');
    expect(up.json.files.local.refs.resource).to.equal(`${farm.t.baseUrl}/api/files/local/root.gcode`);
  });
});
