/**
 * `POST /api/settings` (OctoPrint's shape): permission, validation through the schema (a bad value
 * is a 400 naming the field and nothing is saved), and saves under load: 200 simultaneous saves
 * against a running host all succeed, and temporary files left by a host killed with -9 are swept
 * at the next start.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import YAML from 'yaml';
import { AuthManager } from '../../core/auth/api.js';
import { TEST_API_KEY, type TestHost } from '../support/host.js';
import { api, spawnHost, startApiHost, type Api, type HostProcess } from './support.js';
import { keyHeaders, jsonHeaders } from '../support/http.js';
import { waitFor } from '../support/wait.js';

const DEAD_PID = 2 ** 22 + 4321; // above Linux's largest pid: no such process

function temporaries(dir: string): string[] {
  return readdirSync(dir, { recursive: true }).map(String).filter((name) => /^\..+\.tmp$/.test(path.basename(name)));
}

describe('POST /api/settings', function () {
  this.timeout(30000);
  let t: TestHost;
  let call: Api;
  let readonlyKey: string;
  const configText = () => readFileSync(path.join(t.basedir, 'config.yaml'), 'utf8');

  before(async () => {
    t = await startApiHost({ config: { appearance: { name: 'Workshop' } } });
    call = api(t);
    const auth = t.get<AuthManager>(AuthManager);
    await auth.users.add('rob', { groups: ['readonly'] });
    readonlyKey = auth.users.addKey('rob', 'settings tests');
  });
  after(() => t?.stop());

  it('needs SETTINGS', async () => {
    const r = await call('POST', '/api/settings', { key: readonlyKey, body: { appearance: { name: 'Hijacked' } } });
    expect(r.status).to.equal(403);
    expect(YAML.parse(configText()).appearance.name).to.equal('Workshop');
  });

  it('saves the fields it serves, in OctoPrint’s units, and answers with the new document', async () => {
    const r = await call('POST', '/api/settings', { body: { appearance: { name: 'Bench' }, serial: { baudrate: 250000, timeoutConnection: 5 }, feature: { sdSupport: false } } });
    expect(r.status, JSON.stringify(r.json)).to.equal(200);
    expect(r.json.appearance.name).to.equal('Bench');
    expect(r.json.serial).to.include({ baudrate: 250000, timeoutConnection: 5 });
    const saved = YAML.parse(configText());
    expect(saved.appearance.name).to.equal('Bench');
    expect(saved.serial).to.deep.include({ baudrate: 250000, timeout: { connection: 5000 } });
    expect(saved).to.not.have.property('feature');
    expect((await call('GET', '/api/settings')).json.serial.timeoutConnection).to.equal(5);
  });

  it('takes back its own whole document unchanged (what OctoPrint’s UI posts)', async () => {
    const before = (await call('GET', '/api/settings')).json;
    const r = await call('POST', '/api/settings', { body: before });
    expect(r.status, JSON.stringify(r.json)).to.equal(200);
    expect(r.json).to.deep.equal(before);
  });

  it('refuses a bad value with 400 naming the field, and saves none of the request', async () => {
    const text = configText();
    for (const body of [
      { appearance: { name: 'Not saved' }, serial: { baudrate: 'fast' } },
      { appearance: { name: 'Not saved' }, temperature: { profiles: [{ name: 'PLA' }] } },
      { appearance: { name: 'Not saved' }, server: { onlineCheck: { port: -1 } } },
    ]) {
      const r = await call('POST', '/api/settings', { body });
      expect(r.status).to.equal(400);
      const field = Object.keys(body).find((k) => k !== 'appearance')!;
      expect(r.json.error).to.contain(`"${field}.`);
      expect(configText()).to.equal(text);
      expect((await call('GET', '/api/settings')).json.appearance.name).to.equal('Bench');
    }
    expect((await call('POST', '/api/settings', { body: '[1, 2]' as unknown as object, headers: { 'Content-Type': 'application/json' } })).status).to.equal(400);
  });

  describe('the settings pages (/api/settings/pages) the web app renders', () => {
    type Field = { kind: string; key: string; name: string; type: string; choices?: unknown[]; sensitive: boolean; set?: boolean; fields?: Field[] };
    type Page = { id: string; owner: string; fields: Field[]; values: Record<string, unknown> };
    const pages = async (key?: string) => (await call('GET', '/api/settings/pages', key ? { key } : {})).json.pages as Page[];
    const field = (page: Page, name: string) => page.fields.find((f) => f.name === name)!;

    it('lists core sections and each plugin with settings, described from its schema, secrets never sent', async () => {
      const all = await pages(readonlyKey);
      expect(all.map((p) => p.id)).to.include.members(['webcam', 'timelapse', 'events', 'plugins.mqtt', 'plugins.prusaslicer', 'plugins.printer-events']);
      const events = all.find((p) => p.id === 'events')!;
      expect(events.fields.map((f) => f.name)).to.deep.equal(['enabled', 'commandTimeout']);
      const mqtt = all.find((p) => p.id === 'plugins.mqtt')!;
      expect(mqtt.owner).to.equal('plugin');
      expect(field(mqtt, 'qos')).to.include({ type: 'choice', key: 'plugins.mqtt.qos' });
      expect(field(mqtt, 'qos').choices).to.deep.equal([0, 1, 2]);
      expect(field(mqtt, 'discovery').type).to.equal('boolean');
      expect(field(mqtt, 'keepalive').type).to.equal('integer');
      expect(field(mqtt, 'password')).to.include({ sensitive: true, set: false });
      expect(field(all.find((p) => p.id === 'timelapse')!, 'renderOn').type).to.equal('list');
    });

    it('saves a plugin page (secrets kept when sent back empty) and a core page, into config.yaml', async () => {
      let r = await call('PUT', '/api/settings/pages/plugins.mqtt', { body: { values: { password: 'broker secret', qos: 2, baseTopic: 'farm' } } });
      expect(r.status, JSON.stringify(r.json)).to.equal(200);
      expect(r.json.values).to.include({ password: '', qos: 2, baseTopic: 'farm' });
      expect(field(r.json, 'password').set).to.equal(true);
      r = await call('PUT', '/api/settings/pages/plugins.mqtt', { body: { values: { password: '', baseTopic: 'shop' } } });
      expect(r.status).to.equal(200);
      expect(YAML.parse(configText()).plugins.mqtt).to.include({ password: 'broker secret', qos: 2, baseTopic: 'shop' });
      expect(JSON.stringify(await pages())).to.not.contain('broker secret');
      r = await call('PUT', '/api/settings/pages/timelapse', { body: { values: { fps: 30, renderOn: ['done'] } } });
      expect(r.status, JSON.stringify(r.json)).to.equal(200);
      expect(YAML.parse(configText()).timelapse).to.deep.include({ fps: 30, renderOn: ['done'] });
    });

    it('refuses a bad value or an unknown key with 400 naming the key, saving nothing; needs SETTINGS', async () => {
      const text = configText();
      for (const [id, values, key] of [
        ['plugins.mqtt', { baseTopic: 'changed', qos: 5 }, 'plugins.mqtt.qos'],
        ['plugins.mqtt', { baseTopic: 'changed', nonsense: 1 }, 'plugins.mqtt.nonsense'],
        ['timelapse', { bitrate: '1k', fps: 0 }, 'timelapse.fps'],
        ['events', { subscriptions: [] }, 'events.subscriptions'],
      ] as const) {
        const r = await call('PUT', `/api/settings/pages/${id}`, { body: { values } });
        expect(r.status, `${id} ${JSON.stringify(values)}`).to.equal(400);
        expect(r.json.key).to.equal(key);
        expect(r.json.error).to.contain(key);
      }
      expect(configText()).to.equal(text);
      expect((await call('PUT', '/api/settings/pages/plugins.nosuch', { body: { values: {} } })).status).to.equal(404);
      expect((await call('PUT', '/api/settings/pages/timelapse', { key: readonlyKey, body: { values: { fps: 10 } } })).status).to.equal(403);
      expect(configText()).to.equal(text);
    });
  });
});

describe('settings saves against a running host', function () {
  this.timeout(120000);
  let basedir: string;
  let host: HostProcess | undefined;

  beforeEach(async () => {
    basedir = mkdtempSync(path.join(os.tmpdir(), 'cuttle-saves-'));
    writeFileSync(path.join(basedir, 'config.yaml'), `# kept comment\napi:\n  key: ${TEST_API_KEY}\n`);
    host = await spawnHost(basedir);
  });
  afterEach(async () => {
    await host?.stop('SIGKILL');
    rmSync(basedir, { recursive: true, force: true });
  });

  const save = (baseUrl: string, name: string) =>
    fetch(`${baseUrl}/api/settings`, { method: 'POST', headers: jsonHeaders(TEST_API_KEY), body: JSON.stringify({ appearance: { name } }) });

  it('answers all of 200 simultaneous saves with 200 and keeps a whole config.yaml', async () => {
    const names = Array.from({ length: 200 }, (_, i) => `host ${i}`);
    const replies = await Promise.all(names.map((name) => save(host!.baseUrl, name)));
    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s !== 200), host!.output().slice(-2000)).to.deep.equal([]);
    const text = readFileSync(path.join(basedir, 'config.yaml'), 'utf8');
    expect(text).to.contain('# kept comment');
    expect(names).to.include(YAML.parse(text).appearance.name);
    const shown = (await (await fetch(`${host!.baseUrl}/api/settings`, { headers: keyHeaders(TEST_API_KEY) })).json()) as { appearance: { name: string } };
    expect(shown.appearance.name).to.equal(YAML.parse(text).appearance.name);
    expect(temporaries(basedir)).to.deep.equal([]);
  });

  it('sweeps at start the temporary files that a kill -9 left, its own and older ones', async () => {
    // a real kill -9 in the middle of a stream of saves …
    let answered = 0;
    const saving = Array.from({ length: 100 }, (_, i) =>
      save(host!.baseUrl, `killed ${i}`).then(
        () => answered++,
        () => null,
      ),
    );
    // killed once saves are under way: one answered, or one writing its temporary file
    await waitFor(() => answered > 0 || temporaries(basedir).length > 0, 30_000, 'a save under way');
    await host!.stop('SIGKILL');
    await Promise.all(saving);
    // … and leftovers of dead writers in every place they are written (whatever the kill left, too)
    mkdirSync(path.join(basedir, 'uploads', 'sub'), { recursive: true });
    const planted = [
      `.config.yaml.${DEAD_PID}.1a2b3c4d5e6f.tmp`,
      `.config.yaml.${DEAD_PID}.1764240000000.tmp`,
      path.join('uploads', `.metadata.json.${DEAD_PID}.k2j3h4.tmp`),
      path.join('uploads', 'sub', `..metadata.json.${DEAD_PID}.1a2b3c4d5e6f.tmp`),
      `.users.yaml.${DEAD_PID}.1a2b3c4d5e6f.tmp`,
      `.host.json.${DEAD_PID}.1a2b3c4d5e6f.tmp`,
      `.appkeys-pending.yaml.${DEAD_PID}.1a2b3c4d5e6f.tmp`,
    ];
    for (const name of planted) writeFileSync(path.join(basedir, name), 'half');
    host = await spawnHost(basedir);
    // the new host writes host.json (through a temporary file of its own) just after it listens; the
    // killed host's record is still there, so wait for the one that names the new process
    const hostFile = path.join(basedir, 'host.json');
    const recordedPid = () => (existsSync(hostFile) ? (JSON.parse(readFileSync(hostFile, 'utf8')) as { pid?: number }).pid : undefined);
    await waitFor(() => recordedPid() === host!.child.pid, 10000);
    expect(temporaries(basedir)).to.deep.equal([]);
    expect(YAML.parse(readFileSync(path.join(basedir, 'config.yaml'), 'utf8')).api.key).to.equal(TEST_API_KEY);
  });
});
