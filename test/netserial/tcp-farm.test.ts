/**
 * Network serial at farm scale: three printers from ONE simulator process (`cuttle virtual-printer
 * --printers 3 --tcp PORT`, each its own firmware, paced at 250 000 baud) print three files at once,
 * each exactly (the simulator's own record against the file); one printer's socket dropped mid-print
 * (its simulator closes the connection) fails that printer alone and cleanly, the two others finish;
 * and a printer behind a bridge that goes away and comes back connects again and prints. Loopback only.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { EventBus, type AnyFiredEvent } from '../../core/events/event-bus.js';
import { PrinterRegistry } from '../../core/printers/printer-registry.js';
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
  let t: TestHost | undefined;
  let call: Api;
  let registry: PrinterRegistry;
  const events: AnyFiredEvent[] = [];
  const of = (name: string, printer: string) => events.filter((e) => e.name === name && (e.payload as { printer?: string }).printer === printer);
  const printerEvents = (printer: string, names: string[]) => events.filter((e) => names.includes(e.name) && (e.payload as { printer?: string }).printer === printer).map((e) => e.name);
  /** what the simulator's printer executed from the wire (its --record file), the host's own polls left out */
  const executed = (round: string, n?: number) =>
    fs
      .readFileSync(path.join(dir, round, n === undefined ? 'record.jsonl' : `record-${n}.jsonl`), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { command: string; source: string })
      .filter((c) => c.source === 'serial' && !HOST_COMMANDS.test(c.command))
      .map((c) => c.command);

  /** a simulator process with three printers and a host with three printers on them, connected over REST */
  const start = async (round: string, extraArgs: string[] = [], ids: readonly string[] = IDS) => {
    fs.mkdirSync(path.join(dir, round));
    const port = await freePorts(ids.length);
    sim = await startTcpSimulatorProcess(path.join(dir, round), BAUD, ids.length, port, ['--firmware', 'marlin,prusa,klipper', ...extraArgs]);
    t = await startTestHost({
      config: {
        printers: ids.map((id, i) => ({ id, connection: { port: sim!.addresses[i], baudrate: BAUD } })),
        serial: { temperatureInterval: 0, timeout: { connection: 3000, hello: 200, communication: 2000, maxNudges: 3 } },
      },
    });
    call = api(t);
    registry = t.host.container.get(PrinterRegistry);
    events.length = 0;
    t.get<EventBus>(EventBus).onAny((event) => void events.push(event));
    // connected through the REST API: tcp:// to loopback passes the allow-list
    await Promise.all(ids.map(async (id) => expect((await call('POST', `/printer/${id}/api/connection`, { body: { command: 'connect' } })).status, id).to.equal(204)));
    for (const id of ids) expect(registry.get(id)!.printer.state.id, id).to.equal('OPERATIONAL');
  };
  const printAll = async (files: string[][]) => {
    for (const [i, id] of IDS.entries()) await registry.get(id)!.printer.selectFile(gcodeFile(dir, `${id}-${files[i]!.length}.gcode`, files[i]!), true);
  };
  afterEach(async () => {
    await t?.stop();
    await sim?.stop();
    t = sim = undefined;
  });

  it('prints three files at once, each exactly, each printer its own firmware', async () => {
    await start('a');
    const files = IDS.map((_, i) => fileLines(i + 1, 120));
    await printAll(files);
    await waitFor(() => IDS.every((id) => of('PrintDone', id).length === 1), 15000, 'three PrintDone');
    const firmwares = IDS.map((id) => registry.get(id)!.printer.firmware()?.name ?? '');
    expect(firmwares[0]).to.match(/Marlin/);
    expect(firmwares[1]).to.match(/Prusa/);
    expect(firmwares[2]).to.match(/Klipper/);
    expect(events.filter((e) => e.name === 'Error')).to.deep.equal([]);
    await sim!.stop();
    for (const [i] of IDS.entries()) expect(executed('a', i + 1), IDS[i]).to.deep.equal(files[i]);
  });

  it('one socket dropped mid-print fails that printer alone, cleanly; the others finish exactly', async () => {
    // p2's simulated printer closes its connection after 60 lines
    await start('b', ['--disconnect-after', '0,60,0']);
    const files = IDS.map((_, i) => fileLines(i + 1, 120));
    await printAll(files);
    await waitFor(() => of('PrintDone', 'p1').length + of('PrintDone', 'p3').length === 2 && of('PrintFailed', 'p2').length === 1, 15000, 'p1 and p3 done, p2 failed');
    expect(printerEvents('p2', ['Error', 'Disconnected', 'PrintFailed', 'PrintDone'])).to.deep.equal(['Error', 'Disconnected', 'PrintFailed']);
    expect(registry.get('p2')!.printer.state).to.deep.include({ id: 'CLOSED_WITH_ERROR', text: 'Offline after error' });
    for (const id of ['p1', 'p3']) expect(printerEvents(id, ['Error', 'Disconnected', 'PrintFailed']), id).to.deep.equal([]);
    await sim!.stop();
    expect(executed('b', 1)).to.deep.equal(files[0]);
    expect(executed('b', 3)).to.deep.equal(files[2]);
    expect(executed('b', 2)).to.deep.equal(files[1]!.slice(0, executed('b', 2).length));
  });

  it('a printer behind a bridge that goes away fails cleanly, and connects and prints again once the bridge is back', async () => {
    await start('c', [], ['p2']);
    // a bridge (as ser2net on a WiFi module) between the host and p2's simulated printer
    const [bridgePort] = [await freePorts(1)];
    const target = Number(new URL(sim!.addresses[0]!).port);
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
    let bridge = await openBridge();
    const p2 = registry.get('p2')!.printer;
    await p2.disconnect();
    // the bus delivers after the fact: forget p2's first connection once its Disconnected is in
    await waitFor(() => of('Disconnected', 'p2').length === 1, 10000, 'p2 Disconnected');
    events.length = 0;
    const via = `tcp://127.0.0.1:${bridgePort}`;
    expect((await call('POST', '/printer/p2/api/connection', { body: { command: 'connect', port: via, baudrate: BAUD } })).status).to.equal(204);
    await p2.selectFile(gcodeFile(dir, 'bridge.gcode', fileLines(2, 3000)), true);
    await waitFor(() => p2.state.id === 'PRINTING', 10000, 'p2 printing');
    // the bridge loses power: its listener and every socket go
    await new Promise<void>((resolve) => {
      bridge.close(() => resolve());
      for (const s of sockets) s.destroy();
    });
    await waitFor(() => of('PrintFailed', 'p2').length === 1, 10000, 'p2 PrintFailed');
    expect(printerEvents('p2', ['Error', 'Disconnected', 'PrintFailed'])).to.deep.equal(['Error', 'Disconnected', 'PrintFailed']);
    // while it is away a connect fails with the reason, and the printer stays offline after error
    const away = await call('POST', '/printer/p2/api/connection', { body: { command: 'connect', port: via, baudrate: BAUD } });
    expect(away.status).to.equal(409);
    expect(away.json.error).to.match(/cannot open tcp:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/);
    expect(p2.state.id).to.equal('CLOSED_WITH_ERROR');
    bridge = await openBridge();
    expect((await call('POST', '/printer/p2/api/connection', { body: { command: 'connect', port: via, baudrate: BAUD } })).status).to.equal(204);
    const again = fileLines(5, 80);
    const before = of('PrintDone', 'p2').length;
    await p2.selectFile(gcodeFile(dir, 'again.gcode', again), true);
    await waitFor(() => of('PrintDone', 'p2').length === before + 1, 10000, 'p2 PrintDone');
    await new Promise<void>((resolve) => {
      bridge.close(() => resolve());
      for (const s of sockets) s.destroy();
    });
    await sim!.stop();
    expect(executed('c').slice(-again.length)).to.deep.equal(again);
  });
});
