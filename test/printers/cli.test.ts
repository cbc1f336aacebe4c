/**
 * `cuttle printers list|add|remove`: against a host running on the basedir it acts live through the
 * REST API (the printer appears at /printer/<id>/ at once, PrinterAdded/PrinterRemoved fire, refusals
 * exit 1 with the host's reason); on a stopped basedir it edits config.yaml (in order, comments
 * kept; the implicit `default` printer made explicit first); usage mistakes exit 2.
 * The host runs as its own process (it is found through host.json); the command runs in-process
 * (support/cli.ts), as its parsing and its REST and file work are what is tested here.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { spawnHost, type HostProcess } from '../api/support.js';
import { cliInProcess as cli } from '../support/cli.js';
import { TEST_API_KEY } from '../support/host.js';
import { configText, savedPrinters } from './support.js';
import { keyHeaders } from '../support/http.js';
import { waitFor } from '../support/wait.js';

const CONFIG = `api:
  key: ${TEST_API_KEY}
# two printers by the window
printers:
  - id: p1 # the reliable one
    name: Left
    connection: { port: virtual, baudrate: 115200, autoconnect: false }
    profile: _default
  - id: p2
    name: Right
    connection: { port: virtual, baudrate: 115200, autoconnect: false }
    profile: _default
`;

function basedirWith(config: string): string {
  const basedir = mkdtempSync(path.join(os.tmpdir(), 'cuttle-printers-cli-'));
  writeFileSync(path.join(basedir, 'config.yaml'), config);
  return basedir;
}

describe('cuttle printers', function () {
  this.timeout(60000);
  const basedirs: string[] = [];
  const made = (config: string) => {
    const dir = basedirWith(config);
    basedirs.push(dir);
    return dir;
  };
  after(() => basedirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  describe('with a host running on the basedir', () => {
    let host: HostProcess;
    let basedir: string;
    const get = async (p: string) => {
      const r = await fetch(`${host.baseUrl}${p}`, { headers: keyHeaders(TEST_API_KEY) });
      return { status: r.status, json: (await r.json().catch(() => null)) as any };
    };
    before(async () => {
      basedir = made(CONFIG);
      host = await spawnHost(basedir);
      // host.json follows the listening socket by a moment
      const record = path.join(basedir, 'host.json');
      await waitFor(() => existsSync(record) && readFileSync(record, 'utf8').includes(`"pid": ${host.child.pid},`));
    });
    after(() => host?.stop());

    it('adds a printer live: served at once, connected when --autoconnect, PrinterAdded fired, saved', async () => {
      const r = await cli(['printers', 'add', '--basedir', basedir, '--id', 'p3', '--name', 'Spare Voron', '--port', 'virtual', '--autoconnect']);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.include('added printer "p3" (Spare Voron) to the host running on').and.include(`${host.baseUrl}/printer/p3/`);
      await waitFor(async () => (await get('/printer/p3/api/connection')).json?.current.state === 'Operational');
      const events = (await get('/api/events?type=PrinterAdded')).json.events as { payload: unknown }[];
      expect(events.map((e) => e.payload)).to.deep.equal([{ id: 'p3', name: 'Spare Voron' }]);
      expect(savedPrinters(basedir).map((p) => p.id)).to.deep.equal(['p1', 'p2', 'p3']);
      expect(configText(basedir)).to.include('# the reliable one');
      // the file that holds the key the command authenticates with stays the owner's alone
      expect(statSync(path.join(basedir, 'config.yaml')).mode & 0o777).to.equal(0o600);
    });

    it('lists what the host serves, as text and as its GET /api/printers answer', async () => {
      const text = await cli(['printers', 'list', '--basedir', basedir]);
      expect(text.code, text.stderr).to.equal(0);
      const lines = text.stdout.trim().split('\n');
      expect(lines[0]).to.match(/^ID\s+NAME\s+STATE\s+URL$/);
      expect(lines.slice(1).map((l) => l.split(/\s{2,}/)[0])).to.deep.equal(['p1', 'p2', 'p3']);
      expect(lines[3]).to.include('Operational').and.include(`${host.baseUrl}/printer/p3/`);
      const json = await cli(['printers', 'list', '--json', '--basedir', basedir]);
      expect(JSON.parse(json.stdout).printers.map((p: { id: string }) => p.id)).to.deep.equal(['p1', 'p2', 'p3']);
    });

    it('passes the host\'s refusals on with exit 1 and its reason', async () => {
      const twice = await cli(['printers', 'add', '--basedir', basedir, '--id', 'p3']);
      expect(twice.code).to.equal(1);
      expect(twice.stderr).to.include('409').and.include('"p3" exists already');
      const bad = await cli(['printers', 'add', '--basedir', basedir, '--entry', '{"id": "p4", "connection": {"baudrate": -5}}']);
      expect(bad.code).to.equal(1);
      expect(bad.stderr).to.include('400').and.include('"connection.baudrate"');
      const missing = await cli(['printers', 'remove', 'nope', '--basedir', basedir]);
      expect(missing.code).to.equal(1);
      expect(missing.stderr).to.include('404').and.include('nope');
      expect((await get('/api/printers')).json.printers.map((p: { id: string }) => p.id)).to.deep.equal(['p1', 'p2', 'p3']);
    });

    it('removes a printer live: /printer/<id>/ answers 404 at once, PrinterRemoved fired, saved', async () => {
      const r = await cli(['printers', 'remove', 'p3', '--basedir', basedir]);
      expect(r.code, r.stderr).to.equal(0);
      expect((await get('/printer/p3/api/job')).status).to.equal(404);
      const events = (await get('/api/events?type=PrinterRemoved')).json.events as { payload: unknown }[];
      expect(events.map((e) => e.payload)).to.deep.equal([{ id: 'p3', name: 'Spare Voron' }]);
      expect(savedPrinters(basedir).map((p) => p.id)).to.deep.equal(['p1', 'p2']);
    });
  });

  describe('with no host running', () => {
    it('edits config.yaml: adds last with every flag, lists, removes, keeps comments and order', async () => {
      const basedir = made(CONFIG);
      const add = await cli(['printers', 'add', '--basedir', basedir, '--id', 'p3', '--name', 'Bench', '--port', '/dev/ttyUSB7', '--baudrate', '250000', '--autoconnect', '--profile', 'prusa', '--listen', '5077']);
      expect(add.code, add.stderr).to.equal(0);
      expect(add.stdout).to.include('no host runs on');
      const yamlEntry = await cli(['printers', 'add', '--basedir', basedir, '--entry', 'id: p4\nname: From YAML\nconnection: { port: virtual }', '--name', 'Flag wins']);
      expect(yamlEntry.code, yamlEntry.stderr).to.equal(0);
      expect(savedPrinters(basedir)).to.deep.equal([
        { id: 'p1', name: 'Left', connection: { port: 'virtual', baudrate: 115200, autoconnect: false }, profile: '_default' },
        { id: 'p2', name: 'Right', connection: { port: 'virtual', baudrate: 115200, autoconnect: false }, profile: '_default' },
        { id: 'p3', name: 'Bench', connection: { port: '/dev/ttyUSB7', baudrate: 250000, autoconnect: true }, profile: 'prusa', listen: 5077 },
        { id: 'p4', name: 'Flag wins', connection: { port: 'virtual', baudrate: 115200, autoconnect: false }, profile: '_default' },
      ]);
      const list = await cli(['printers', 'list', '--basedir', basedir]);
      expect(list.code).to.equal(0);
      expect(list.stdout).to.match(/p3\s+Bench\s+\/dev\/ttyUSB7\s+250000\s+true\s+prusa\s+5077/);
      const json = JSON.parse((await cli(['printers', 'list', '--json', '--basedir', basedir])).stdout);
      expect(json.printers).to.deep.equal(savedPrinters(basedir));

      const remove = await cli(['printers', 'remove', 'p2', '--basedir', basedir]);
      expect(remove.code, remove.stderr).to.equal(0);
      expect(savedPrinters(basedir).map((p) => p.id)).to.deep.equal(['p1', 'p3', 'p4']);
      const text = configText(basedir);
      expect(text).to.include('# two printers by the window').and.include('- id: p1 # the reliable one');
      expect(text).to.include('connection: { port: virtual, baudrate: 115200, autoconnect: false }');
    });

    it('refuses a used id or listen port, a bad entry and an unknown printer with exit 1, and changes nothing', async () => {
      const basedir = made(CONFIG);
      const before = configText(basedir);
      for (const [args, message] of [
        [['add', '--id', 'p1'], '"p1" exists already'],
        [['add', '--id', 'Upper'], '"id"'],
        [['add', '--entry', '{"id": "p5", "colour": "red"}'], '"colour"'],
        [['add', '--entry', '{"id": "p5", "connection": "virtual"}'], '"connection"'],
        [['add', '--id', 'p5', '--listen', '70000'], '"listen"'],
        [['remove', 'p9'], 'no printer "p9"'],
      ] as const) {
        const r = await cli(['printers', ...args, '--basedir', basedir]);
        expect(r.code, `${args.join(' ')}: ${r.stderr}`).to.equal(1);
        expect(r.stderr, args.join(' ')).to.include(message);
      }
      const withListen = made(CONFIG.replace('    name: Right\n', '    name: Right\n    listen: 5088\n'));
      const clash = await cli(['printers', 'add', '--id', 'p5', '--listen', '5088', '--basedir', withListen]);
      expect(clash.code).to.equal(1);
      expect(clash.stderr).to.include('used by printer "p2"');
      expect(configText(basedir)).to.equal(before);
    });

    it('makes the implicit "default" printer explicit before adding to a config without printers:, and will not remove it', async () => {
      const basedir = made(`api:\n  key: ${TEST_API_KEY}\nserial:\n  port: /dev/ttyACM0 # the USB one\n  baudrate: 250000\n`);
      const refused = await cli(['printers', 'remove', 'default', '--basedir', basedir]);
      expect(refused.code).to.equal(1);
      expect(refused.stderr).to.include('serial.*');
      const add = await cli(['printers', 'add', '--id', 'second', '--basedir', basedir]);
      expect(add.code, add.stderr).to.equal(0);
      expect(savedPrinters(basedir)).to.deep.equal([
        { id: 'default', name: 'Default', connection: { port: '/dev/ttyACM0', baudrate: 250000, autoconnect: false }, profile: '_default' },
        { id: 'second', name: 'second', connection: { port: 'virtual', baudrate: 250000, autoconnect: false }, profile: '_default' },
      ]);
      expect(configText(basedir)).to.include('# the USB one');
    });

    it('exits 2 on usage mistakes, naming them', async () => {
      const basedir = made(CONFIG);
      for (const [args, message] of [
        [[], 'list, add or remove?'],
        [['rename'], 'unknown action "rename"'],
        [['remove'], 'ID is missing'],
        [['add'], 'needs --id'],
        [['add', '--id', 'p5', '--baudrate', 'fast'], '--baudrate expects a whole number'],
        [['add', '--entry', '{"id": '], '--entry is neither JSON nor YAML'],
        [['add', '--entry', '[1, 2]'], '--entry must be a mapping'],
        [['list', 'extra'], 'unexpected argument "extra"'],
      ] as const) {
        const r = await cli(['printers', ...args, '--basedir', basedir]);
        expect(r.code, `${args.join(' ')}: ${r.stderr}`).to.equal(2);
        expect(r.stderr, args.join(' ')).to.include(message);
      }
    });

    it('says so and exits 1 when the host recorded in host.json does not answer', async () => {
      const basedir = made(CONFIG);
      // this test process stands in for a host that is alive but not listening where it said
      const cmdline = readFileSync(`/proc/${process.pid}/cmdline`, 'utf8');
      writeFileSync(path.join(basedir, 'host.json'), JSON.stringify({ pid: process.pid, url: 'http://127.0.0.1:9', cmdline, startedAt: new Date().toISOString() }));
      const r = await cli(['printers', 'add', '--id', 'p3', '--basedir', basedir]);
      expect(r.code).to.equal(1);
      expect(r.stderr).to.include(`pid ${process.pid}`).and.include('does not answer');
      expect(savedPrinters(basedir).map((p) => p.id)).to.deep.equal(['p1', 'p2']);
    });
  });
});
