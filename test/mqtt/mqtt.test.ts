/**
 * The MQTT plugin against a real mosquitto: events with seq/host/printer while a file prints, the
 * retained state/progress/temperature/job topics, Home Assistant discovery, commands refused when
 * off and obeyed when on, the last will of a host process killed -9, two hosts on one broker, and
 * every event fired while the broker was away delivered from the event log once it is back; its
 * status route and web app panel.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventBus } from '../../core/events/event-bus.js';
import { PrinterService } from '../../core/printer/printer-service.js';
import { api, spawnHost, startApiHost, uploadForm, type HostProcess } from '../api/support.js';
import { fastSerial, typicalLines } from '../printer/helpers.js';
import { CuttleHost } from '../../core/host.js';
import { captureLogs, TEST_API_KEY, writeConfig, type TestHost } from '../support/host.js';
import { record, startMosquitto, type Broker, type Recorder } from './broker.js';
import { waitFor } from '../support/wait.js';
import { PrinterRegistry } from '../../core/printers/printer-registry.js';

interface EventMessage {
  type: string;
  seq: number;
  host: string;
  printer: string | null;
  payload: { name?: string; new?: number };
}

function mqttHost(url: string, hostId: string, extra: Record<string, unknown> = {}): Promise<TestHost> {
  return startApiHost({ config: { ...fastSerial({}, { temperatureInterval: 1 }), plugins: { mqtt: { url, hostId, ...extra } } } });
}

async function connectPrinter(t: TestHost): Promise<PrinterService> {
  const printer = t.get<PrinterRegistry>(PrinterRegistry).first()!.printer;
  await printer.connect({ port: 'virtual' });
  await waitFor(() => printer.state.id === 'OPERATIONAL');
  return printer;
}

const parsed = (r: Recorder, prefix: string) => r.on(prefix).map((m) => JSON.parse(m.text) as EventMessage);

/** Delivery is at least once (QoS 1): each seq as it first arrived, in arrival order. */
function firstSeen(messages: EventMessage[]): EventMessage[] {
  const seen = new Set<number>();
  return messages.filter((m) => !seen.has(m.seq) && seen.add(m.seq));
}

describe('MQTT plugin (real mosquitto)', function () {
  this.timeout(60000);
  let broker: Broker;
  let alpha: TestHost;
  let beta: TestHost;
  let farm: Recorder;
  const recorders: Recorder[] = [];
  const watch = async (filter: string) => {
    const r = await record(broker.url, filter);
    recorders.push(r);
    return r;
  };

  before(async () => {
    broker = await startMosquitto();
    farm = await record(broker.url, 'cuttle/#');
    alpha = await mqttHost(broker.url, 'alpha');
    beta = await mqttHost(broker.url, 'beta', { commands: true });
    await waitFor(() => farm.last('cuttle/alpha/status') === 'online' && farm.last('cuttle/beta/status') === 'online');
  });
  after(async () => {
    for (const r of recorders) await r.close();
    await farm?.close();
    for (const t of [alpha, beta]) {
      await t?.get<PrinterRegistry>(PrinterRegistry).first()!.printer.disconnect().catch(() => undefined);
      await t?.stop();
    }
    await broker?.stop();
  });

  it('publishes the events of a print, the retained printer topics and Home Assistant discovery', async () => {
    await connectPrinter(alpha);
    const call = api(alpha);
    expect((await call('POST', '/api/printer/tool', { body: { command: 'target', targets: { tool0: 200 } } })).status).to.equal(204);
    expect((await call('POST', '/api/files/local', { body: uploadForm('cube.gcode', typicalLines(300).join('\n'), { print: 'true' }) })).status).to.equal(201);
    await waitFor(() => farm.on('cuttle/alpha/default/event/PrintDone').length === 1, 30000);

    const events = parsed(farm, 'cuttle/alpha/default/event/');
    const started = events.find((e) => e.type === 'PrintStarted')!;
    const done = events.find((e) => e.type === 'PrintDone')!;
    expect(started).to.deep.include({ host: 'alpha', printer: 'default' });
    expect(started.payload.name).to.equal('cube.gcode');
    expect(done.seq).to.be.greaterThan(started.seq);
    const seqs = events.map((e) => e.seq);
    expect([...seqs].sort((a, b) => a - b)).to.deep.equal(seqs);
    for (const m of farm.on('cuttle/alpha/default/event/')) expect(m.topic).to.equal(`cuttle/alpha/default/event/${(JSON.parse(m.text) as EventMessage).type}`);
    // the upload is no printer's event: it is under the host's `_host` level, with printer null
    expect(events.map((e) => e.type)).to.not.include('FileAdded');
    const added = parsed(farm, 'cuttle/alpha/_host/event/FileAdded')[0]!;
    expect(added).to.deep.include({ host: 'alpha', printer: null });
    expect(added.payload.name).to.equal('cube.gcode');

    // a client arriving once everything was published gets the retained values at once
    await waitFor(() => farm.last('cuttle/alpha/default/temperature/tool0') !== undefined, 10000);
    const late = await watch('cuttle/alpha/#');
    await waitFor(() => late.last('cuttle/alpha/default/job') !== undefined && late.last('cuttle/alpha/default/temperature/tool0') !== undefined);
    const retainedTopics = () => new Set(late.messages.filter((m) => m.retain).map((m) => m.topic));
    await waitFor(() => ['status', 'default/state', 'default/progress', 'default/job', 'default/temperature/tool0'].every((topic) => retainedTopics().has(`cuttle/alpha/${topic}`)), 5000, 'the retained topics').catch(() => undefined);
    const retained = retainedTopics();
    for (const topic of ['status', 'default/state', 'default/progress', 'default/job', 'default/temperature/tool0']) expect(retained, topic).to.include(`cuttle/alpha/${topic}`);
    expect(late.last('cuttle/alpha/status')).to.equal('online');
    expect(late.last('cuttle/alpha/default/state')).to.deep.include({ id: 'OPERATIONAL', text: 'Operational' });
    expect(late.last('cuttle/alpha/default/job')).to.deep.include({ file: { name: 'cube.gcode', path: 'cube.gcode', origin: 'local' } });
    expect((late.last('cuttle/alpha/default/progress') as { completion: number }).completion).to.equal(100);
    expect((late.last('cuttle/alpha/default/temperature/tool0') as { target: number }).target).to.equal(200);

    const ha = await watch('homeassistant/#');
    await waitFor(() => ha.messages.filter((m) => m.topic.includes('cuttle_alpha_default')).length >= 7);
    const config = (object: string, component = 'sensor') => ha.last(`homeassistant/${component}/cuttle_alpha_default/${object}/config`) as Record<string, unknown>;
    expect(config('state')).to.deep.include({ state_topic: 'cuttle/alpha/default/state', availability_topic: 'cuttle/alpha/status', unique_id: 'cuttle_alpha_default_state' });
    expect(config('progress')).to.deep.include({ state_topic: 'cuttle/alpha/default/progress', unit_of_measurement: '%' });
    expect(config('time_left')).to.deep.include({ state_topic: 'cuttle/alpha/default/progress', device_class: 'duration' });
    expect(config('temperature_tool0')).to.deep.include({ state_topic: 'cuttle/alpha/default/temperature/tool0', device_class: 'temperature' });
    for (const command of ['pause', 'resume', 'cancel']) {
      expect(config(command, 'button')).to.deep.include({ command_topic: `cuttle/alpha/default/command/${command}`, payload_press: command });
    }
    expect((config('state')['device'] as { identifiers: string[] }).identifiers).to.deep.equal(['cuttle_alpha_default']);
    expect(ha.messages.every((m) => m.retain)).to.equal(true);
  });

  it('refuses commands unless plugins.mqtt.commands is true, and obeys them when it is', async () => {
    await farm.client.publishAsync('cuttle/alpha/default/command/pause', 'pause');
    await waitFor(() => farm.on('cuttle/alpha/default/command/result').length === 1);
    expect(farm.last('cuttle/alpha/default/command/result')).to.deep.include({ command: 'pause', accepted: false });
    expect((farm.last('cuttle/alpha/default/command/result') as { reason: string }).reason).to.match(/plugins\.mqtt\.commands/);
    expect(alpha.logs.some((l) => l.plugin === 'mqtt' && /refused/.test(l.msg))).to.equal(true);

    await connectPrinter(beta);
    const call = api(beta);
    expect((await call('POST', '/api/files/local', { body: uploadForm('long.gcode', typicalLines(30000).join('\n'), { print: 'true' }) })).status).to.equal(201);
    await waitFor(() => farm.on('cuttle/beta/default/event/PrintStarted').length === 1, 20000);
    await farm.client.publishAsync('cuttle/beta/default/command/cancel', 'cancel');
    await waitFor(() => farm.on('cuttle/beta/default/event/PrintCancelled').length === 1, 20000);
    expect(farm.last('cuttle/beta/default/command/result')).to.deep.include({ command: 'cancel', accepted: true });
    expect(farm.on('cuttle/alpha/default/event/PrintCancelled')).to.deep.equal([]);
  });

  it("answers its status at /plugin/mqtt/status, which its web app panel on the farm shows (listed for SETTINGS_READ holders)", async () => {
    const call = api(alpha);
    await waitFor(async () => {
      const status = (await call('GET', '/plugin/mqtt/status')).json;
      return status.acknowledged === status.latest;
    }, 10000, 'the broker acknowledged every event');
    const status = (await call('GET', '/plugin/mqtt/status')).json;
    expect(status).to.deep.include({ on: true, broker: broker.url, connected: true, topics: 'cuttle/alpha/#' });
    expect(status.latest).to.be.greaterThan(0);
    const panels = (await call('GET', '/api/ui/panels')).json.panels as { owner: string; id: string; location: string; url: string }[];
    expect(panels).to.deep.include({ owner: 'mqtt', id: 'status', title: 'MQTT', location: 'farm', url: 'ui-panels/mqtt/status.js' });
    const module = await fetch(`${alpha.baseUrl}/ui-panels/mqtt/status.js`);
    expect(module.status).to.equal(200);
    expect(await module.text()).to.contain("api.request('GET', 'plugin/mqtt/status')");
  });

  it('two hosts on one broker: one subscriber to cuttle/# sees both, each message with its host, no topic shared', async () => {
    const before = farm.messages.length;
    alpha.get<EventBus>(EventBus).fire('ZChange', { old: 1, new: 2, printer: 'default' });
    beta.get<EventBus>(EventBus).fire('ZChange', { old: 3, new: 4, printer: 'default' });
    await waitFor(() => farm.messages.slice(before).filter((m) => m.topic.endsWith('/event/ZChange')).length === 2);
    const changes = farm.messages.slice(before).filter((m) => m.topic.endsWith('/event/ZChange'));
    const byHost = Object.fromEntries(changes.map((m) => [(JSON.parse(m.text) as EventMessage).host, m.topic]));
    expect(byHost).to.deep.equal({ alpha: 'cuttle/alpha/default/event/ZChange', beta: 'cuttle/beta/default/event/ZChange' });
    const alphaTopics = new Set(farm.on('cuttle/alpha/').map((m) => m.topic.slice('cuttle/alpha/'.length)));
    const betaTopics = new Set(farm.on('cuttle/beta/').map((m) => m.topic.slice('cuttle/beta/'.length)));
    expect([...alphaTopics]).to.include.members(['status', 'default/state']);
    expect([...betaTopics]).to.include.members(['status', 'default/state']);
    expect(farm.messages.every((m) => m.topic.startsWith('cuttle/alpha/') || m.topic.startsWith('cuttle/beta/'))).to.equal(true);
  });

  it("sets the status offline through the last will when a host process is killed -9, and on a clean stop", async () => {
    const basedir = mkdtempSync(path.join(os.tmpdir(), 'cuttle-mqtt-'));
    let host: HostProcess | undefined;
    try {
      writeConfig(basedir, { api: { key: TEST_API_KEY }, logging: { level: 'info' }, plugins: { mqtt: { url: broker.url, hostId: 'gamma' } } });
      host = await spawnHost(basedir);
      await waitFor(() => farm.last('cuttle/gamma/status') === 'online');
      await host.stop('SIGKILL');
      await waitFor(() => farm.last('cuttle/gamma/status') === 'offline', 10000);
      const status = await watch('cuttle/gamma/status');
      await waitFor(() => status.messages.length === 1);
      expect(status.messages[0]).to.deep.include({ text: 'offline', retain: true });

      host = await spawnHost(basedir);
      await waitFor(() => farm.last('cuttle/gamma/status') === 'online');
      expect(await host.stop('SIGTERM')).to.equal(0);
      await waitFor(() => farm.last('cuttle/gamma/status') === 'offline', 10000);
    } finally {
      await host?.stop('SIGKILL');
      rmSync(basedir, { recursive: true, force: true });
    }
  });

  it('reconnects when the broker comes back and sends every event fired while it was away, in order, from the event log', async () => {
    // a persistent broker and a persistent subscriber session: what the host sends after the
    // restart is queued for the subscriber, whoever reconnects first
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cuttle-mosquitto-'));
    let own = await startMosquitto(undefined, dir);
    const port = own.port;
    const session = { clean: false, clientId: 'delta-watcher' };
    const t = await mqttHost(own.url, 'delta', { reconnectMs: 300, qos: 1 });
    try {
      const first = await record(own.url, 'cuttle/delta/#', session);
      await waitFor(() => first.last('cuttle/delta/status') === 'online');
      await first.close();
      await own.stop();
      await waitFor(() => t.logs.some((l) => l.plugin === 'mqtt' && /unreachable/.test(l.msg)));
      const bus = t.get<EventBus>(EventBus);
      for (let i = 1; i <= 20; i++) bus.fire('ZChange', { old: i - 1, new: i, printer: 'default' });
      await bus.idle(5000);
      own = await startMosquitto(port, dir);
      await waitFor(() => t.logs.some((l) => l.plugin === 'mqtt' && l['reconnect'] === true), 15000);
      const back = await record(own.url, 'cuttle/delta/#', session);
      await waitFor(() => firstSeen(parsed(back, 'cuttle/delta/default/event/ZChange')).length >= 20, 10000);
      expect(firstSeen(parsed(back, 'cuttle/delta/default/event/ZChange')).map((e) => e.payload.new)).to.deep.equal(Array.from({ length: 20 }, (_, i) => i + 1));
      await back.close();
    } finally {
      await t.stop();
      await own.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('events fired while the broker is away are sent by the next run of the host, from where the broker acknowledged', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cuttle-mosquitto-'));
    const basedir = mkdtempSync(path.join(os.tmpdir(), 'cuttle-mqtt-restart-'));
    let own = await startMosquitto(undefined, dir);
    const port = own.port;
    const session = { clean: false, clientId: 'zeta-watcher' };
    writeConfig(basedir, { api: { key: TEST_API_KEY }, plugins: { mqtt: { url: own.url, hostId: 'zeta', reconnectMs: 300 } } });
    const run = async () => {
      const host = CuttleHost.create({ basedir, overrides: { 'server.port': 0, 'server.host': '127.0.0.1' }, env: {}, logStream: captureLogs().stream });
      await host.start();
      return host;
    };
    let host = await run();
    try {
      const watcher = await record(own.url, 'cuttle/zeta/#', session);
      await waitFor(() => watcher.last('cuttle/zeta/status') === 'online');
      host.bus.fire('ZChange', { old: 0, new: 1, printer: 'default' });
      await waitFor(() => watcher.on('cuttle/zeta/default/event/ZChange').length === 1);
      await watcher.close();
      await own.stop();
      for (let i = 2; i <= 6; i++) host.bus.fire('ZChange', { old: i - 1, new: i, printer: 'default' });
      await host.stop();
      own = await startMosquitto(port, dir);
      host = await run();
      const back = await record(own.url, 'cuttle/zeta/#', session);
      await waitFor(() => firstSeen(parsed(back, 'cuttle/zeta/default/event/ZChange')).length >= 5, 10000);
      expect(firstSeen(parsed(back, 'cuttle/zeta/default/event/ZChange')).map((e) => e.payload.new)).to.deep.equal([2, 3, 4, 5, 6]);
      await back.close();
    } finally {
      await host.stop();
      await own.stop();
      rmSync(dir, { recursive: true, force: true });
      rmSync(basedir, { recursive: true, force: true });
    }
  });

  it('a broker stopped for 10 s mid-print: every event of that window arrives once it is back, in seq order', async function () {
    this.timeout(60_000);
    const OUTAGE_MS = 10_000;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cuttle-mosquitto-'));
    let own = await startMosquitto(undefined, dir);
    const port = own.port;
    const session = { clean: false, clientId: 'epsilon-watcher' };
    const t = await mqttHost(own.url, 'epsilon', { reconnectMs: 300, qos: 1 });
    const fired: { seq: number; name: string }[] = [];
    try {
      const watcher = await record(own.url, 'cuttle/epsilon/#', session);
      await waitFor(() => watcher.last('cuttle/epsilon/status') === 'online');
      const printer = await connectPrinter(t);
      const bus = t.get<EventBus>(EventBus);
      bus.onAny((e) => void fired.push({ seq: e.seq, name: e.name }));
      const call = api(t);
      expect((await call('POST', '/api/files/local', { body: uploadForm('outage.gcode', typicalLines(400).join('\n'), { print: 'true' }) })).status).to.equal(201);
      await waitFor(() => printer.state.id === 'PRINTING');
      await printer.pausePrint();
      await waitFor(() => printer.state.id === 'PAUSED');
      await watcher.close();
      await own.stop();
      const stoppedAt = Date.now();
      const windowStart = bus.lastSeq;
      // mid-print while the broker is away: resume, and the print runs to its end
      await printer.resumePrint();
      await waitFor(() => fired.some((e) => e.name === 'PrintDone'), 30_000);
      await waitFor(() => Date.now() - stoppedAt >= OUTAGE_MS, OUTAGE_MS + 5000);
      const windowEnd = bus.lastSeq;
      own = await startMosquitto(port, dir);
      const back = await record(own.url, 'cuttle/epsilon/#', session);
      const expected = fired.filter((e) => e.seq > windowStart && e.seq <= windowEnd);
      expect(expected.map((e) => e.name)).to.include.members(['PrintResumed', 'PrintDone']);
      const arrived = () => firstSeen(back.on('cuttle/epsilon/').filter((m) => m.topic.includes('/event/')).map((m) => JSON.parse(m.text) as EventMessage)).filter((e) => e.seq > windowStart && e.seq <= windowEnd);
      await waitFor(() => arrived().length >= expected.length, 15_000);
      expect(arrived().map((e) => [e.seq, e.type])).to.deep.equal(expected.map((e) => [e.seq, e.name]));
      await back.close();
    } finally {
      await t.get<PrinterRegistry>(PrinterRegistry).first()!.printer.disconnect().catch(() => undefined);
      await t.stop();
      await own.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
