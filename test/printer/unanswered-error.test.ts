/**
 * "Error: No Line Number with checksum" with neither Resend nor ok (OctoPrint's virtual printer with
 * its default faults): the host sends the dropped line again at once, as OctoPrint pushes on,
 * instead of waiting a second for "wait" or the communication timeout. Marlin, which follows the
 * error with "Resend" and "ok", is answered once, not twice.
 */
import { expect } from 'chai';
import { performance } from 'node:perf_hooks';
import { frame } from '../../core/printer/protocol/gcode.js';
import { GcodeProtocol, type ProtocolOptions } from '../../core/printer/protocol/protocol.js';
import path from 'node:path';
import { startPtyPrinter } from '../../core/printer/simulator/pty.js';
import { fastSerial, gcodeFile, passThroughHandler, ptyFixture, ScriptedTransport, startPrinterHost, typicalLines } from './helpers.js';
import { waitFor } from '../support/wait.js';

const afterImmediate = () => new Promise((resolve) => setImmediate(resolve));

describe('an error with neither Resend nor ok (regression)', () => {
  // no "wait" stands in and the timeout is far beyond the test: only the error itself can recover
  const options: ProtocolOptions = { historySize: 50, communicationTimeout: 60000, maxNudges: 3, waitAsOk: false, longRunning: new Set() };

  async function printing() {
    const transport = new ScriptedTransport();
    const warnings: string[] = [];
    const protocol = new GcodeProtocol(transport, passThroughHandler({ warn: (m) => warnings.push(m) }), options);
    const hello = protocol.handshake(1000, 1000);
    transport.reply('ok');
    await hello;
    transport.written.length = 0;
    protocol.enqueue({ command: 'G1 X1', context: { fromJob: true, code: 'G1' } });
    protocol.enqueue({ command: 'G1 X2', context: { fromJob: true, code: 'G1' } });
    await afterImmediate();
    transport.reply('ok');
    await afterImmediate();
    return { transport, protocol, warnings };
  }

  it('sends the dropped line again at once (Last Line + 1), then goes on', async () => {
    const { transport, protocol, warnings } = await printing();
    expect(transport.written).to.deep.equal([frame(1, 'G1 X1'), frame(2, 'G1 X2')]);
    transport.reply('Error:No Line Number with checksum, Last Line: 1');
    await afterImmediate();
    expect(transport.written.slice(2)).to.deep.equal([frame(2, 'G1 X2')]);
    expect(warnings).to.have.length(1);
    transport.reply('ok');
    expect(protocol.busy).to.equal(false);
    expect(transport.written.filter((l) => l === 'M105' || l === 'M400')).to.deep.equal([]);
    protocol.close();
  });

  it('Marlin (Error, Resend and ok in one read) is answered by its Resend alone', async () => {
    const { transport, protocol, warnings } = await printing();
    transport.reply('Error:No Line Number with checksum, Last Line: 1', 'Resend: 2', 'ok');
    await afterImmediate();
    expect(transport.written.slice(2)).to.deep.equal([frame(2, 'G1 X2')]);
    expect(warnings).to.deep.equal([]);
    protocol.close();
  });

  describe('on the simulator over a pty', function () {
    this.timeout(20000);
    const fixture = ptyFixture();

    it('prints exactly, the dropped line sent again within 50 ms of the error', async () => {
      const pty = await startPtyPrinter(path.join(fixture.dir, 'dropping-printer'), {
        firmware: 'marlin',
        pacing: true,
        baudrate: 250000,
        motion: false,
        sdFolder: path.join(fixture.dir, 'sd'),
        faults: { unansweredErrorAfterLines: 40 },
      });
      const h = await startPrinterHost(fastSerial({}, { timeout: { communication: 60000, connection: 5000, hello: 300, maxNudges: 3 } }));
      fixture.set(h, pty);
      const log: { direction: string; line: string; at: number }[] = [];
      h.printer.onLog(({ direction, line }) => log.push({ direction, line, at: performance.now() }));
      await h.printer.connect({ port: pty.link, baudrate: 250000 });
      const lines = typicalLines(120);
      await h.printer.selectFile(gcodeFile(fixture.dir, 'dropped.gcode', lines), true);
      await waitFor(() => h.names().includes('PrintDone'), 15000, 'PrintDone');
      const error = log.findIndex((l) => l.direction === 'recv' && /No Line Number with checksum/.test(l.line));
      expect(error, 'the simulator dropped a line').to.be.greaterThan(-1);
      const again = log.slice(error).find((l) => l.direction === 'send')!;
      expect(again.at - log[error]!.at, 'ms from the error to the line sent again').to.be.lessThan(50);
      expect(pty.printer.executed.filter((c) => c.command.startsWith('G1')).map((c) => c.command)).to.deep.equal(lines);
      expect(h.names()).to.not.include('Error');
    });
  });
});
