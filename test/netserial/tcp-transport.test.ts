/**
 * Network serial: a printer at tcp://host:port (a simulated printer behind a TCP listener, as behind
 * ser2net) prints exactly as over a pty; the socket dropped mid-print is the unplugged cable (Error,
 * Disconnected, PrintFailed, then a reconnect works); a bridge that refuses is a clean failure. All
 * traffic stays on loopback.
 */
import { expect } from 'chai';
import net from 'node:net';
import path from 'node:path';
import { startTcpPrinter, type TcpPrinter } from '../../core/printer/simulator/tcp.js';
import { fastSerial, gcodeFile, startPrinterHost, tempDir, typicalLines, type PrinterHost } from '../printer/helpers.js';
import { waitFor } from '../support/wait.js';

const HOST_COMMANDS = /^(M110|M115|M155|M105|M114)\b/;
const printed = (sim: TcpPrinter) => sim.executed.filter((c) => c.source === 'serial' && !HOST_COMMANDS.test(c.command)).map((c) => c.command);

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
});
