/**
 * Network serial at farm scale: three printers from ONE simulator process (`cuttle virtual-printer
 * --printers 3 --tcp PORT`, each its own firmware, paced at 250 000 baud) print three files at once,
 * each exactly (the simulator's own record against the file); one printer's socket dropped mid-print
 * (its simulated printer closes the connection) fails that printer alone and cleanly, the two others
 * finish; and a printer behind a bridge that goes away and comes back connects again and prints.
 * One host for all; the last two run their simulators in this process (no process to spawn).
 * Loopback only.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { EventBus, type AnyFiredEvent } from '../../core/events/event-bus.js';
import { PrinterRegistry } from '../../core/printers/printer-registry.js';
import { startTcpPrinter, type TcpPrinter } from '../../core/printer/simulator/tcp.js';
import { startTcpSimulatorProcess, type TcpSimulatorProcess } from '../../scripts/bench/simulator-process.js';
import { api, type Api } from '../api/support.js';
import { gcodeFile, tempDir } from '../printer/helpers.js';
import { startTestHost, type TestHost } from '../support/host.js';
import { waitFor } from '../support/wait.js';

const IDS = ['p1', 'p2', 'p3'] as const;
const BAUD = 250000;
const HOST_COMMANDS = /^(M110|M115|M155|M105|M114|M21|M20)\b/;

/** A distinct file per printer. */
function fileLines(printer: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => (i % 40 === 0 ? `G1 Z${(0.2 + i / 200).toFixed(3)} F600` : `G1 X${(10 * printer + (i % 31) * 1.3).toFixed(2)} Y${(i % 17) * 2.5} E${(i * 0.01).toFixed(3)}`));
}

/** `count` consecutive free ports on 127.0.0.1. */
async function freePorts(count: number): Promise<number> {
  for (;;) {
    const base = 20000 + Math.floor(Math.random() * 40000);
    const servers: net.Server[] = [];
    const ok = await (async () => {
      for (let i = 0; i < count; i++) {
        const server = net.createServer();
        const bound = await new Promise<boolean>((resolve) => {
          server.once('error', () => resolve(false));
          server.listen(base + i, '127.0.0.1', () => resolve(true));
        });
        if (!bound) return false;
        servers.push(server);
      }
      return true;
    })();
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    if (ok) return base;
  }
}

describe('network serial: three printers from one simulator process over TCP', function () {
  this.timeout(20000);
  const dir = tempDir();
  let sim: TcpSimulatorProcess | undefined;
  let sims: TcpPrinter[] = [];
  let t: TestHost;
  let call: Api;
  let registry: PrinterRegistry;
  const events: AnyFiredEvent[] = [];
  const of = (name: string, printer: string) => events.filter((e) => e.name === name && (e.payload as { printer?: string }).printer === printer);
  const printerEvents = (printer: string, names: string[]) => events.filter((e) => names.includes(e.name) && (e.payload as { printer?: string }).printer === printer).map((e) => e.name);
  /** what the simulator process's printer n executed from the wire (its --record file), the host's own polls left out */
  const recorded = (n: number) =>
    fs
      .readFileSync(path.join(dir, `record-${n}.jsonl`), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { command: string; source: string });
  const printed = (commands: readonly { command: string; source: string }[]) => commands.filter((c) => c.source === 'serial' && !HOST_COMMANDS.test(c.command)).map((c) => c.command);

  before(async () => {
    t = await startTestHost({
      config: {
        printers: IDS.map((id) => ({ id, connection: { port: 'virtual', baudrate: BAUD } })),
        serial: { temperatureInterval: 0, timeout: { connection: 3000, hello: 200, communication: 2000, maxNudges: 3 } },
      },
    });
    call = api(t);
    registry = t.host.container.get(PrinterRegistry);
    t.get<EventBus>(EventBus).onAny((event) => void events.push(event));
  });
  after(async () => {
    await t?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    for (const id of IDS) await registry.get(id)!.printer.disconnect();
    await sim?.stop();
    for (const s of sims) await s.close();
    sim = undefined;
    sims = [];
  });

  /** connects each printer to its address through the REST API (tcp:// to loopback passes the allow-list), then forgets the events so far */
  const connect = async (addresses: readonly string[]) => {
    await Promise.all(
      addresses.map(async (port, i) => {
        const res = await call('POST', `/printer/${IDS[i]}/api/connection`, { body: { command: 'connect', port, baudrate: BAUD } });
        expect(res.status, `${IDS[i]}: ${JSON.stringify(res.json)}`).to.equal(204);
      }),
    );
    for (const id of IDS.slice(0, addresses.length)) expect(registry.get(id)!.printer.state.id, id).to.equal('OPERATIONAL');
    events.length = 0;
  };
  const printAll = async (files: string[][]) => {
    for (const [i, id] of IDS.entries()) await registry.get(id)!.printer.selectFile(gcodeFile(dir, `${id}-${files[i]!.length}.gcode`, files[i]!), true);
  };

  it('prints three files at once from one simulator process, each exactly, each printer its own firmware', async () => {
    sim = await startTcpSimulatorProcess(dir, BAUD, 3, await freePorts(3), ['--firmware', 'marlin,prusa,klipper']);
    await connect(sim.addresses);
    const files = IDS.map((_, i) => fileLines(i + 1, 120));
    await printAll(files);
    await waitFor(() => IDS.every((id) => of('PrintDone', id).length === 1), 15000, 'three PrintDone');
    const firmwares = IDS.map((id) => registry.get(id)!.printer.firmware()?.name ?? '');
    expect(firmwares[0]).to.match(/Marlin/);
    expect(firmwares[1]).to.match(/Prusa/);
    expect(firmwares[2]).to.match(/Klipper/);
    expect(events.filter((e) => e.name === 'Error')).to.deep.equal([]);
    await sim.stop();
    for (const [i] of IDS.entries()) expect(printed(recorded(i + 1)), IDS[i]).to.deep.equal(files[i]);
  });

  it('one socket dropped mid-print fails that printer alone, cleanly; the others finish exactly', async () => {
    // p2's simulated printer closes its connection after 60 lines
    const faults = [{}, { disconnectAfterLines: 60 }, {}];
    sims = await Promise.all(faults.map((f, i) => startTcpPrinter(0, { baudrate: BAUD, motion: false, sdFolder: path.join(dir, `sd-${i}`), faults: f })));
    await connect(sims.map((s) => s.address));
    const files = IDS.map((_, i) => fileLines(i + 1, 120));
    await printAll(files);
    await waitFor(() => of('PrintDone', 'p1').length + of('PrintDone', 'p3').length === 2 && of('PrintFailed', 'p2').length === 1, 15000, 'p1 and p3 done, p2 failed');
    expect(printerEvents('p2', ['Error', 'Disconnected', 'PrintFailed', 'PrintDone'])).to.deep.equal(['Error', 'Disconnected', 'PrintFailed']);
    expect(registry.get('p2')!.printer.state).to.deep.include({ id: 'CLOSED_WITH_ERROR', text: 'Offline after error' });
    for (const id of ['p1', 'p3']) expect(printerEvents(id, ['Error', 'Disconnected', 'PrintFailed']), id).to.deep.equal([]);
    expect(printed(sims[0]!.executed)).to.deep.equal(files[0]);
    expect(printed(sims[2]!.executed)).to.deep.equal(files[2]);
    const partial = printed(sims[1]!.executed);
    expect(partial).to.deep.equal(files[1]!.slice(0, partial.length));
  });

  it('a printer behind a bridge that goes away fails cleanly, and connects and prints again once the bridge is back', async () => {
    sims = [await startTcpPrinter(0, { baudrate: BAUD, motion: false, sdFolder: path.join(dir, 'sd-bridge') })];
    // a bridge (as ser2net on a WiFi module) between the host and p1's simulated printer
    const bridgePort = await freePorts(1);
    const target = Number(new URL(sims[0]!.address).port);
    const sockets = new Set<net.Socket>();
    const openBridge = async () => {
      const server = net.createServer((client) => {
        const printer = net.connect(target, '127.0.0.1');
        for (const s of [client, printer]) {
          sockets.add(s);
          s.on('error', () => undefined);
          s.on('close', () => (client.destroy(), printer.destroy()));
        }
        client.pipe(printer).pipe(client);
      });
      await new Promise<void>((resolve) => server.listen(bridgePort, '127.0.0.1', resolve));
      return server;
    };
    const closeBridge = (server: net.Server) =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    let bridge = await openBridge();
    const via = `tcp://127.0.0.1:${bridgePort}`;
    const p1 = registry.get('p1')!.printer;
    await connect([via]);
    await p1.selectFile(gcodeFile(dir, 'bridge.gcode', fileLines(2, 3000)), true);
    await waitFor(() => p1.state.id === 'PRINTING', 10000, 'p1 printing');
    // the bridge loses power: its listener and every socket go
    await closeBridge(bridge);
    await waitFor(() => of('PrintFailed', 'p1').length === 1, 10000, 'p1 PrintFailed');
    expect(printerEvents('p1', ['Error', 'Disconnected', 'PrintFailed'])).to.deep.equal(['Error', 'Disconnected', 'PrintFailed']);
    // while it is away a connect fails with the reason, and the printer stays offline after error
    const away = await call('POST', '/printer/p1/api/connection', { body: { command: 'connect', port: via, baudrate: BAUD } });
    expect(away.status).to.equal(409);
    expect(away.json.error).to.match(/cannot open tcp:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/);
    expect(p1.state.id).to.equal('CLOSED_WITH_ERROR');
    bridge = await openBridge();
    await connect([via]);
    const again = fileLines(5, 80);
    await p1.selectFile(gcodeFile(dir, 'again.gcode', again), true);
    await waitFor(() => of('PrintDone', 'p1').length === 1, 10000, 'p1 PrintDone');
    await closeBridge(bridge);
    expect(printed(sims[0]!.executed).slice(-again.length)).to.deep.equal(again);
  });
});
