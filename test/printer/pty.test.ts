/**
 * The simulator on a real pseudo-terminal (socat pair, serialport on both ends, bytes paced at
 * 250 000 baud): a 1 000-line print with 2 % injected checksum errors (about twenty resends) arrives
 * executed complete and in order, compared with the simulator's own record.
 */
import { expect } from 'chai';
import path from 'node:path';
import { startPtyPrinter, type PtyPrinter } from '../../core/printer/simulator/pty.js';
import { fastSerial, gcodeFile, startPrinterHost, tempDir, typicalLines, type PrinterHost } from './helpers.js';
import { waitFor } from '../support/wait.js';

const HOST_COMMANDS = /^(M110|M115|M155|M105|M114)\b/;

describe('printing through a pty (socat + serialport)', function () {
  // the paced print takes ~4 s alone; it shares the cores with the other test files: room for a busy machine
  this.timeout(90000);
  let h: PrinterHost | undefined;
  let pty: PtyPrinter | undefined;
  const dir = tempDir();
  afterEach(async () => {
    await h?.stop();
    await pty?.close();
  });

  // window 1 (the default) with bytes paced at 250 000 baud as on a real wire; window 4 (ADVANCED_OK)
  // unpaced, so that several lines arrive at once and one bad line dooms those behind it
  for (const { window, pacing } of [
    { window: 1, pacing: true },
    { window: 4, pacing: false },
  ]) {
    it(`prints 1 000 lines with 2 % checksum errors complete and in order (window ${window}${pacing ? ', paced' : ''})`, async () => {
      pty = await startPtyPrinter(path.join(dir, `printer-${window}`), {
        baudrate: 250000,
        pacing,
        motion: false,
        sdFolder: path.join(dir, 'sd'),
        faults: { checksumErrorRate: 0.02, seed: 7 + window },
      });
      h = await startPrinterHost(fastSerial({}, { window }));
      const lines = typicalLines(1000);
      const resends: string[] = [];
      h.printer.onLog(({ direction, line }) => direction === 'recv' && line.startsWith('Resend') && resends.push(line));
      await h.printer.connect({ port: pty.link, baudrate: 250000 });
      expect(h.printer.snapshot().connection).to.deep.equal({ port: pty.link, baudrate: 250000 });
      await h.printer.selectFile(gcodeFile(dir, `pty-${window}.gcode`, lines), true);
      await waitFor(() => h!.names().includes('PrintDone'), 75000, 'PrintDone');
      const executed = pty.printer.executed.filter((c) => c.source === 'serial' && !HOST_COMMANDS.test(c.command));
      expect(executed.map((c) => c.command)).to.deep.equal(lines);
      const numbers = executed.map((c) => c.line!);
      expect(numbers.every((n, i) => i === 0 || n === numbers[i - 1]! + 1), 'consecutive line numbers').to.equal(true);
      expect(resends.length, 'checksum errors were injected and answered with Resend').to.be.greaterThan(10);
      expect(h.names()).to.not.include('Error');
    });
  }
});
