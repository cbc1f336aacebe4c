/** `cuttle virtual-printer` as its own process on a pty: a host connects through serialport, prints, and the record shows it. */
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { standaloneOptions } from '../../core/printer/simulator/standalone.js';
import { fastSerial, gcodeFile, startPrinterHost, tempDir, typicalLines, type PrinterHost } from './helpers.js';
import { waitFor } from '../support/wait.js';

const CLI = path.resolve(__dirname, '../../core/cli/main.js');

describe('cuttle virtual-printer (standalone on a pty)', function () {
  this.timeout(20000);
  let h: PrinterHost | undefined;
  let child: ChildProcess | undefined;
  afterEach(async () => {
    await h?.stop();
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('serves a host through the pty until SIGTERM, then writes what it executed and what crossed the wire', async () => {
    const dir = tempDir();
    const link = path.join(dir, 'printer');
    const record = path.join(dir, 'record.jsonl');
    const wireLog = path.join(dir, 'wire.json');
    const args = [CLI, 'virtual-printer', '--link', link, '--baudrate', '250000', '--no-motion', '--sd-folder', path.join(dir, 'sd'), '--record', record, '--wire-log', wireLog];
    child = spawn(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    await waitFor(() => out.includes('ready on'), 10000, 'ready line');
    expect(out).to.match(/virtual printer ready on .*printer \(250000 baud, pacing on, motion off\)/);

    h = await startPrinterHost(fastSerial());
    await h.printer.connect({ port: link, baudrate: 250000 });
    const lines = typicalLines(200);
    await h.printer.selectFile(gcodeFile(dir, 'cli.gcode', lines), true);
    await waitFor(() => h!.names().includes('PrintDone'), 15000, 'PrintDone');
    await h.printer.disconnect();

    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).to.equal(0);
    const executed = fs
      .readFileSync(record, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { command: string });
    expect(executed.map((c) => c.command).filter((c) => c.startsWith('G1'))).to.deep.equal(lines);
    expect(fs.existsSync(link), 'the pty link is removed').to.equal(false);

    // every line the host sent, in order, with the byte counts of both directions at its arrival
    const wire = JSON.parse(fs.readFileSync(wireLog, 'utf8')) as { at: number; line: string; in: number; out: number }[];
    expect(wire.map((w) => w.line.replace(/^N\d+ /, '').replace(/\*\d+$/, '')).filter((l) => l.startsWith('G1'))).to.deep.equal(lines);
    let received = 0;
    for (const [i, w] of wire.entries()) {
      received += w.line.length + 1;
      expect(w.in, `bytes received by line ${i}`).to.equal(received);
      if (i > 0) expect(w.at).to.be.at.least(wire[i - 1]!.at);
      // in the print (window 1) each line waits for the previous one's "ok"
      if (/^N\d+ G1 /.test(w.line)) expect(w.out, 'bytes sent before a print line').to.be.above(wire[i - 1]!.out);
    }
  });

  it('refuses bad options with a usage message and exit code 2', async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number | null; err: string }>((resolve) => {
        const p = spawn(process.execPath, [CLI, 'virtual-printer', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
        let err = '';
        p.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
        p.on('exit', (code) => resolve({ code, err }));
      });
    expect(() => standaloneOptions({ 'checksum-error-rate': '2' })).to.throw(/share from 0 to 1/);
    expect(() => standaloneOptions({ speed: 'fast' })).to.throw(/--speed expects a number/);
    const unknown = await run(['--bogus', '1']);
    expect(unknown.code).to.equal(2);
    expect(unknown.err).to.match(/unknown option --bogus/);
  });
});
