/**
 * Ports are an allow-list: /api/connection, /api/printers, serial.port through /api/settings,
 * `cuttle printers add` and `cuttle serve --connect` take only detected or serial-named ports,
 * `serial.additionalPorts` globs, `virtual` and allowed tcp:// hosts, at listed baud rates.
 * /dev/zero, /etc/passwd, a FIFO, a directory, a path with "..", a host not listed and a baud rate
 * of 99999999999999 are refused with 400, and no transport is opened (the TCP "bridge" of the host
 * not listed counts no connection). Only loopback addresses are used: the allowed hosts are
 * narrowed to 127.0.0.1 and the refused one is 127.0.0.2. A connect or disconnect while printing is
 * refused with 409 unless forced.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { AuthManager } from '../../core/auth/api.js';
import { PrinterService } from '../../core/printer/printer-service.js';
import { PrinterRegistry } from '../../core/printers/printer-registry.js';
import { TransportProvider, type TransportRequest } from '../../core/printer/transport/transport-factory.js';
import { api, spawnHost, startApiHost, type Api } from '../api/support.js';
import { cli } from '../clients/helpers.js';
import { fastSerial, gcodeFile, tempDir } from '../printer/helpers.js';
import type { TestHost } from '../support/host.js';
import { waitFor } from '../support/wait.js';

describe('the port allow-list', function () {
  this.timeout(10000);
  const dir = tempDir();
  const fifo = path.join(dir, 'fifo');
  const folder = path.join(dir, 'folder');
  /** a character device under serial.additionalPorts (only listed, never connected here) */
  const device = path.join(dir, 'tty-link');
  let t: TestHost;
  let call: Api;
  let printer: PrinterService;
  const opened: TransportRequest[] = [];
  let bridge: net.Server;
  let bridgeConnections = 0;
  let bridgePort = 0;

  before(async function () {
    const mkfifo = spawnSync('mkfifo', [fifo]);
    if (mkfifo.error || mkfifo.status !== 0) throw new Error(`mkfifo failed: ${mkfifo.error?.message ?? mkfifo.stderr}`);
    fs.mkdirSync(folder);
    fs.symlinkSync('/dev/null', device);
    // a listener on 127.0.0.2 (loopback): had the refusal failed, the host's connection would land here
    bridge = net.createServer((socket) => {
      bridgeConnections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => bridge.listen(0, '127.0.0.2', resolve));
    bridgePort = (bridge.address() as net.AddressInfo).port;
    t = await startApiHost({
      config: fastSerial({ motion: true, speedFactor: 1 }, { additionalPorts: [`${dir}/*`], tcp: { allowedHosts: ['127.0.0.1'] } }),
    });
    call = api(t);
    printer = t.get<PrinterRegistry>(PrinterRegistry).first()!.printer;
    const transports = t.host.container.get(TransportProvider);
    const open = transports.open.bind(transports);
    transports.open = (request) => {
      opened.push(request);
      return open(request);
    };
  });
  after(async () => {
    await printer?.disconnect().catch(() => undefined);
    await t?.stop();
    await new Promise<void>((resolve) => bridge.close(() => resolve()));
    fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => (opened.length = 0));

  const refused = () => [
    ['/dev/zero', /not a serial port/],
    ['/etc/passwd', /not a serial port/],
    [fifo, /not a serial device/],
    [folder, /not a serial device/],
    [`${dir}/../../etc/passwd`, /not a normal path/],
    [`/dev/../etc/passwd`, /not a normal path/],
    [`tcp://127.0.0.2:${bridgePort}`, /host "127\.0\.0\.2" is not in serial\.tcp\.allowedHosts/],
  ] as const;

  it('refuses each port not allowed with 400 and a reason, opening nothing', async () => {
    for (const [port, reason] of refused()) {
      const res = await call('POST', '/api/connection', { body: { command: 'connect', port, baudrate: 115200 } });
      expect(res.status, port).to.equal(400);
      expect(res.json.error, port).to.match(reason);
    }
    expect(opened).to.deep.equal([]);
    expect(bridgeConnections).to.equal(0);
    expect(printer.state.id).to.equal('OFFLINE');
  });

  it('refuses a baud rate not listed (99999999999999), and offers the listed ones', async () => {
    const res = await call('POST', '/api/connection', { body: { command: 'connect', port: 'virtual', baudrate: 99999999999999 } });
    expect(res.status).to.equal(400);
    expect(res.json.error).to.match(/baud rate 99999999999999 is not one of/);
    expect(opened).to.deep.equal([]);
    const options = (await call('GET', '/api/connection')).json.options;
    expect(options.baudrates).to.include.members([115200, 250000]);
    // the devices serial.additionalPorts matches are offered, as OctoPrint does; the FIFO and the folder are not devices
    expect(options.ports).to.include.members(['virtual', device]);
    expect(options.ports).to.not.include.members([fifo]);
    expect(options.ports).to.not.include.members([folder]);
  });

  it('refuses the same ports in a printer entry (/api/printers), saving nothing', async () => {
    for (const [port, reason] of refused().filter(([port]) => port !== fifo && port !== folder)) {
      const res = await call('POST', '/api/printers', { body: { id: 'intruder', connection: { port } } });
      expect(res.status, port).to.equal(400);
      expect(res.json.error, port).to.match(reason);
    }
    const baud = await call('POST', '/api/printers', { body: { id: 'intruder', connection: { port: 'virtual', baudrate: 99999999999999 } } });
    expect(baud.status).to.equal(400);
    expect((await call('GET', '/api/printers')).json.printers.map((p: { id: string }) => p.id)).to.not.include('intruder');
    expect(bridgeConnections).to.equal(0);
  });

  it('refuses them as serial.port through /api/settings too (what a connect without a port opens)', async () => {
    for (const [port, reason] of refused().filter(([port]) => port !== fifo && port !== folder)) {
      const res = await call('POST', '/api/settings', { body: { serial: { port } } });
      expect(res.status, port).to.equal(400);
      expect(res.json.error, port).to.match(reason);
    }
    expect((await call('POST', '/api/settings', { body: { serial: { baudrate: 99999999999999 } } })).status).to.equal(400);
    expect((await call('GET', '/api/connection')).json.options.portPreference).to.equal('virtual');
  });

  it('holds for a key of the "users" group (it has CONNECTION); a group without CONNECTION cannot connect at all', async () => {
    const auth = t.get<AuthManager>(AuthManager);
    await auth.users.add('pat', { groups: ['users'] });
    await auth.users.add('ro', { groups: ['readonly'] });
    const userKey = auth.users.addKey('pat', 'probe');
    const readonlyKey = auth.users.addKey('ro', 'probe');
    for (const port of ['/dev/zero', fifo, `tcp://127.0.0.2:${bridgePort}`]) {
      expect((await call('POST', '/printer/default/api/connection', { key: userKey, body: { command: 'connect', port } })).status, port).to.equal(400);
    }
    expect((await call('POST', '/api/connection', { key: readonlyKey, body: { command: 'connect', port: 'virtual' } })).status).to.equal(403);
    expect(opened).to.deep.equal([]);
    expect(bridgeConnections).to.equal(0);
  });

  it('cuttle printers add (no host running) refuses the same ports and leaves config.yaml as it was', async () => {
    const basedir = fs.mkdtempSync(path.join(dir, 'cli-'));
    const config = 'serial:\n  tcp:\n    allowedHosts: [127.0.0.1]\n';
    fs.writeFileSync(path.join(basedir, 'config.yaml'), config);
    const r = await cli(['printers', 'add', '--basedir', basedir, '--id', 'intruder', '--port', `tcp://127.0.0.2:${bridgePort}`]);
    expect(r.code, r.stderr).to.equal(1);
    expect(r.stderr).to.match(/host "127\.0\.0\.2" is not in serial\.tcp\.allowedHosts/);
    expect(fs.readFileSync(path.join(basedir, 'config.yaml'), 'utf8')).to.equal(config);
  });

  it('cuttle serve --connect refuses a port not allowed: the host serves, the port is not opened', async () => {
    const basedir = fs.mkdtempSync(path.join(dir, 'serve-'));
    fs.writeFileSync(path.join(basedir, 'config.yaml'), 'api:\n  key: ServeKey0123456789abcdefghijklmn\nserial:\n  tcp:\n    allowedHosts: [127.0.0.1]\n');
    const host = await spawnHost(basedir, ['--connect', `tcp://127.0.0.2:${bridgePort}`]);
    try {
      await waitFor(() => host.output().includes('refusing --connect'));
      expect(host.output()).to.include('is not in serial.tcp.allowedHosts');
      const state = await fetch(`${host.baseUrl}/api/connection`, { headers: { 'X-Api-Key': 'ServeKey0123456789abcdefghijklmn' } });
      expect(((await state.json()) as { current: { state: string } }).current.state).to.equal('Offline');
      expect(bridgeConnections).to.equal(0);
    } finally {
      await host.stop();
    }
  });

  it('connects an allowed port, and refuses a connect or disconnect while printing with 409 unless forced', async () => {
    expect((await call('POST', '/api/connection', { body: { command: 'connect', port: 'virtual', baudrate: 250000 } })).status).to.equal(204);
    await printer.selectFile(gcodeFile(dir, 'dwell.gcode', ['G4 S20', 'G1 X1']), true);
    await waitFor(() => printer.state.id === 'PRINTING');
    const connect = await call('POST', '/api/connection', { body: { command: 'connect', port: 'virtual' } });
    expect(connect.status).to.equal(409);
    expect(connect.json.error).to.match(/printing.*"force": true/);
    const disconnect = await call('POST', '/api/connection', { body: { command: 'disconnect' } });
    expect(disconnect.status).to.equal(409);
    expect(printer.state.id).to.equal('PRINTING');
    expect((await call('POST', '/api/connection', { body: { command: 'disconnect', force: 'yes' } })).status).to.equal(400);
    expect((await call('POST', '/api/connection', { body: { command: 'disconnect', force: true } })).status).to.equal(204);
    expect(printer.state.id).to.equal('OFFLINE');
  });
});
