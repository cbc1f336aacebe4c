/** Bad bytes from the printer: lines split across reads, noise that is not UTF-8, a line with no end. */
import { expect } from 'chai';
import path from 'node:path';
import { startPtyPrinter } from '../../core/printer/simulator/pty.js';
import { frame } from '../../core/printer/protocol/gcode.js';
import { virtualPrinterOptions } from '../../core/printer/simulator/options.js';
import { VirtualPrinter } from '../../core/printer/simulator/virtual-printer.js';
import { LineSplitter, MAX_LINE_BYTES, type DiscardedLine } from '../../core/printer/transport/transport.js';
import { fastSerial, gcodeFile, ptyFixture, startPrinterHost, typicalLines } from './helpers.js';
import { waitFor } from '../support/wait.js';

function split(chunks: (string | Buffer)[]) {
  const lines: string[] = [];
  const dropped: DiscardedLine[] = [];
  const splitter = new LineSplitter(
    (line) => lines.push(line),
    (d) => dropped.push(d),
  );
  for (const chunk of chunks) splitter.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
  return { lines, dropped };
}

describe('cutting the byte stream into lines', () => {
  it('joins a line split across reads and splits two lines in one read, dropping "\\r"', () => {
    expect(split(['o', 'k\r', '\nok T:20', '.0 /0.0\nwait\n']).lines).to.deep.equal(['ok', 'ok T:20.0 /0.0', 'wait']);
  });

  it('decodes UTF-8 text (Klipper messages) and drops a line that is not UTF-8, keeping the next', () => {
    const { lines, dropped } = split([Buffer.from([0xff, 0x07, 0x41, 0x0a]), '// Température 21 °C\nok\n']);
    expect(lines).to.deep.equal(['// Température 21 °C', 'ok']);
    expect(dropped).to.deep.equal([{ reason: 'not UTF-8', preview: 'ff0741', bytes: 3 }]);
  });

  it('drops an over-long line, even one that never ends in one read, without growing its buffer', () => {
    const long = 'x'.repeat(MAX_LINE_BYTES + 10);
    const { lines, dropped } = split([long.slice(0, 3000), long.slice(3000), long.slice(0, 5000), '\nok\n', `${long}\nok\n`]);
    expect(lines).to.deep.equal(['ok', 'ok']);
    expect(dropped.map((d) => d.reason)).to.deep.equal(['too long', 'too long']);
  });
});

describe('the simulated printer reads bytes, as a firmware does', () => {
  it('answers a line with bytes beyond ASCII with ok, its checksum over the bytes (UTF-8 or latin1), and refuses a bad one', () => {
    const out: string[] = [];
    const printer = new VirtualPrinter(virtualPrinterOptions({ pacing: false, motion: false }), (data) => out.push(data));
    try {
      printer.start();
      // a host that writes UTF-8 (two bytes for "ü") and one that writes latin1 (one byte): each frame's checksum is of its bytes
      const framed = (line: number, bytes: Buffer) => {
        const body = Buffer.concat([Buffer.from(`N${line} `), bytes]);
        return Buffer.concat([body, Buffer.from(`*${body.reduce((x, b) => x ^ b, 0)}\n`)]).toString('latin1');
      };
      printer.receive(`${frame(0, 'M110 N0')}\n`);
      printer.receive(framed(1, Buffer.from('M117 Würfel', 'utf8')));
      printer.receive(framed(2, Buffer.from('M117 Würfel', 'latin1')));
      const oks = out.filter((data) => data.startsWith('ok')).length;
      expect(oks, out.join('')).to.equal(3);
      expect(out.join('')).to.not.match(/Resend|Error/);
      printer.receive('N3 M117 W\u00fcrfel*1\n');
      expect(out.join('')).to.match(/Resend: 3/);
    } finally {
      printer.stop();
    }
  });
});

describe('a printer that sends noise and over-long lines', function () {
  this.timeout(20000);
  const fixture = ptyFixture();
  const dir = fixture.dir;

  it('logs and skips them; the print is exact and nothing throws', async () => {
    const pty = await startPtyPrinter(path.join(dir, 'noisy'), { pacing: false, motion: false, sdFolder: path.join(dir, 'sd'), faults: { garbageRate: 0.05, longLineAfterLines: 50 } });
    const h = await startPrinterHost(fastSerial());
    fixture.set(h, pty);
    const lines = typicalLines(400);
    await h.printer.connect({ port: pty.link, baudrate: 250000 });
    await h.printer.selectFile(gcodeFile(dir, 'noisy.gcode', lines), true);
    await waitFor(() => h.names().includes('PrintDone'), 10000, 'PrintDone');
    expect(pty.printer.executed.filter((c) => c.command.startsWith('G1')).map((c) => c.command)).to.deep.equal(lines);
    const skipped = h.t.logs.filter((l) => l.msg === 'skipped a line from the printer');
    expect(skipped.map((l) => l.reason)).to.include.members(['not UTF-8', 'too long']);
    expect(h.t.logs.filter((l) => l.level >= 50), 'no error logged').to.deep.equal([]);
  });
});
