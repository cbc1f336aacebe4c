/**
 * Network serial: a printer at tcp://host:port (a simulated printer behind a TCP listener, as behind
 * ser2net) prints exactly as over a pty; the socket dropped mid-print is the unplugged cable (Error,
 * Disconnected, PrintFailed, then a reconnect works); a bridge that refuses is a clean failure, one
 * that never answers fails after serial.tcp.connectTimeoutMs, and serial.tcp.keepAliveMs arms the
 * socket's keep-alive (read from /proc/net/tcp). An upload to the card of a printer on TCP
 * completes (it hung), and a second one meanwhile is refused with 409. All traffic stays on loopback.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { startTcpPrinter, type TcpPrinter } from '../../core/printer/simulator/tcp.js';
import { uploadForm } from '../api/support.js';
import { fastSerial, gcodeFile, startPrinterHost, tempDir, typicalLines, type PrinterHost } from '../printer/helpers.js';
import { waitFor } from '../support/wait.js';

const HOST_COMMANDS = /^(M110|M115|M155|M105|M114)\b/;
const printed = (sim: TcpPrinter) => sim.executed.filter((c) => c.source === 'serial' && !HOST_COMMANDS.test(c.command)).map((c) => c.command);

/**
 * A bridge that never answers, on loopback: a listener whose thread never accepts (blocked in a
 * worker), its accept queue filled, so the kernel drops every further SYN and a connect just waits.
 */
async function silentBridge(): Promise<{ port: number; close(): Promise<void> }> {
  const release = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     const server = require('node:net').createServer().listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
       parentPort.postMessage(server.address().port);
       Atomics.wait(workerData, 0, 0);
       server.close();
     });`,
    { eval: true, workerData: release },
  );
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  // the queue of a backlog of 1 holds 2 connections on Linux; connections beyond wait in SYN retries
  const fillers = Array.from({ length: 4 }, () => net.connect(port, '127.0.0.1').on('error', () => undefined));
  await waitFor(() => fillers.filter((f) => !f.connecting).length >= 2, 5000, 'the accept queue to fill');
  return {
    port,
    close: async () => {
      for (const filler of fillers) filler.destroy();
      Atomics.store(release, 0, 1);
      Atomics.notify(release, 0);
      await new Promise((resolve) => worker.once('exit', resolve));
    },
  };
}

/** The timer of the established loopback socket from an ephemeral port to `port` (/proc/net/tcp: 0 none, 1 retransmit, 2 keep-alive), and its seconds left. */
function socketTimerTo(port: number): { timer: number; seconds: number } | undefined {
  const remote = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const row of fs.readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const fields = row.trim().split(/\s+/);
    if (fields[2] !== remote || fields[3] !== '01') continue;
    const [timer, left] = fields[5]!.split(':');
    return { timer: Number.parseInt(timer!, 16), seconds: Number.parseInt(left!, 16) / 100 };
  }
  return undefined;
}

describe('network serial (tcp://)', function () {
  this.timeout(10000);
  let h: PrinterHost | undefined;
  let sim: TcpPrinter | undefined;
  const dir = tempDir();
  afterEach(async () => {
    await h?.stop();
    await sim?.close();
    h = sim = undefined;
  });

  it('prints a file exactly over TCP at 250 000 baud, paced', async () => {
    sim = await startTcpPrinter(0, { baudrate: 250000, motion: false, sdFolder: path.join(dir, 'sd'), faults: { checksumErrorRate: 0.01, seed: 3 } });
    h = await startPrinterHost(fastSerial());
    await h.printer.connect({ port: sim.address, baudrate: 250000 });
    expect(h.printer.snapshot().connection).to.deep.equal({ port: sim.address, baudrate: 250000 });
    const lines = typicalLines(200);
    await h.printer.selectFile(gcodeFile(dir, 'tcp.gcode', lines), true);
    await waitFor(() => h!.names().includes('PrintDone'), 8000, 'PrintDone');
    expect(printed(sim)).to.deep.equal(lines);
    expect(h.names()).to.not.include('Error');
  });

  it('a socket dropped mid-print ends in Error, Disconnected, PrintFailed; a reconnect then prints', async () => {
    sim = await startTcpPrinter(0, { baudrate: 250000, motion: false, sdFolder: path.join(dir, 'sd2') });
    h = await startPrinterHost(fastSerial());
    await h.printer.connect({ port: sim.address, baudrate: 250000 });
    await h.printer.selectFile(gcodeFile(dir, 'long.gcode', typicalLines(5000)), true);
    await waitFor(() => printed(sim!).length > 50, 10000, 'some lines printed');
    sim.drop();
    await waitFor(() => h!.names().includes('PrintFailed'), 10000, 'PrintFailed');
    expect(h.names(['Error', 'Disconnected', 'PrintFailed'])).to.deep.equal(['Error', 'Disconnected', 'PrintFailed']);
    expect(h.printer.state.id).to.equal('CLOSED_WITH_ERROR');
    const before = printed(sim).length;
    await h.printer.connect({ port: sim.address, baudrate: 250000 });
    const lines = typicalLines(50);
    await h.printer.selectFile(gcodeFile(dir, 'again.gcode', lines), true);
    await waitFor(() => h!.names().includes('PrintDone'), 10000, 'PrintDone');
    expect(printed(sim).slice(before)).to.deep.equal(lines);
  });

  it('fails cleanly, with the reason, on a bridge that refuses the connection', async () => {
    // a port that refuses: bound, then closed
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    h = await startPrinterHost(fastSerial({}, { tcp: { connectTimeoutMs: 300 } }));
    const error = await h.printer.connect({ port: `tcp://127.0.0.1:${port}`, baudrate: 115200 }).then(() => null, (err: Error) => err);
    expect(error?.message).to.match(/cannot open tcp:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/);
    expect(h.printer.state.id).to.equal('CLOSED_WITH_ERROR');
  });

  it('gives up after serial.tcp.connectTimeoutMs on a bridge that never answers', async () => {
    const bridge = await silentBridge();
    try {
      h = await startPrinterHost(fastSerial({}, { tcp: { connectTimeoutMs: 300 } }));
      const started = Date.now();
      const error = await h.printer.connect({ port: `tcp://127.0.0.1:${bridge.port}`, baudrate: 115200 }).then(() => null, (err: Error) => err);
      const waited = Date.now() - started;
      expect(error?.message).to.equal(`cannot open tcp://127.0.0.1:${bridge.port}: no answer within 300 ms`);
      expect(waited).to.be.within(290, 3000);
      expect(h.printer.state.id).to.equal('CLOSED_WITH_ERROR');
    } finally {
      await bridge.close();
    }
  });

  it('arms TCP keep-alive after serial.tcp.keepAliveMs of silence, and not at 0', async function () {
    if (!fs.existsSync('/proc/net/tcp')) {
      if (process.env['CI']) throw new Error('/proc/net/tcp is needed to see the socket\'s keep-alive timer');
      this.skip();
    }
    sim = await startTcpPrinter(0, { baudrate: 250000, motion: false, sdFolder: path.join(dir, 'sd3') });
    const port = Number(new URL(sim.address).port);
    h = await startPrinterHost(fastSerial({}, { tcp: { keepAliveMs: 45000 } }));
    await h.printer.connect({ port: sim.address, baudrate: 250000 });
    // idle (no temperature polling in these tests): the keep-alive timer runs, at most 45 s away
    const armed = await waitFor(() => socketTimerTo(port)?.timer === 2 && socketTimerTo(port), 5000, 'the keep-alive timer');
    expect(armed.seconds).to.be.within(30, 45);
    await h.stop();
    await sim.close();
    sim = await startTcpPrinter(0, { baudrate: 250000, motion: false, sdFolder: path.join(dir, 'sd4') });
    const off = Number(new URL(sim.address).port);
    h = await startPrinterHost(fastSerial({}, { tcp: { keepAliveMs: 0 } }));
    await h.printer.connect({ port: sim.address, baudrate: 250000 });
    // once nothing is in flight, no timer at all
    await waitFor(() => socketTimerTo(off)?.timer === 0, 5000, 'an idle socket without a timer');
  });

  it('uploads to the SD card over TCP (POST /api/files/sdcard), refusing a second upload meanwhile with 409', async () => {
    const sdFolder = path.join(dir, 'sd5');
    sim = await startTcpPrinter(0, { baudrate: 250000, motion: false, sdFolder });
    h = await startPrinterHost(fastSerial());
    await h.printer.connect({ port: sim.address, baudrate: 250000 });
    const lines = typicalLines(150);
    const upload = (name: string) => fetch(`${h!.t.baseUrl}/api/files/sdcard`, { method: 'POST', headers: { 'X-Api-Key': h!.t.apiKey }, body: uploadForm(name, `${lines.join('\n')}\n`) });
    // the staged file is read while M28 is answered: its lines were gone before the upload iterated them, and it waited for ever
    const first = upload('tcp.gcode');
    await waitFor(() => h!.names().includes('TransferStarted'), 5000, 'TransferStarted');
    const second = await upload('other.gcode');
    expect(second.status).to.equal(409);
    expect(((await second.json()) as { error: string }).error).to.include('a file is being written to the SD card');
    expect((await first).status).to.equal(201);
    expect(fs.readFileSync(path.join(sdFolder, 'tcp.gcode'), 'utf8').split('\n').filter(Boolean)).to.deep.equal(lines);
    expect(fs.existsSync(path.join(sdFolder, 'other.gcode'))).to.equal(false);
  });
});
