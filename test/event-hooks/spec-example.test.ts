/**
 * The spec's own example config, end to end on the simulated printer: on Connected the printer
 * executes M115, `M117 printer connected!` and G28 in that order; PrintStarted and PrintDone run
 * `python ~/growl.py … "Starting {file}"` / `"Completed {file}"` with the file substituted as one
 * argument (here `python` is the argv recorder, first on PATH, and ~ a temporary home). The printed
 * file has a hostile name, and nothing gets injected.
 */
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import YAML from 'yaml';
import { EventBus, type AnyFiredEvent } from '../../core/events/event-bus.js';
import { PrinterService } from '../../core/printer/printer-service.js';
import { startTestHost, type TestHost } from '../support/host.js';
import { makeRecorder, SPEC_EXAMPLE, type Recorder } from './support.js';
import { waitFor } from '../support/wait.js';
import { PrinterRegistry } from '../../core/printers/printer-registry.js';

interface WithSimulator {
  transport: { printer?: { executed: { command: string }[] } } | null;
}

describe('event hooks: the spec example on the simulated printer', function () {
  this.timeout(40000);
  let recorder: Recorder;
  let t: TestHost;
  const saved = { PATH: process.env['PATH'], HOME: process.env['HOME'] };
  const seen: AnyFiredEvent[] = [];

  before(async () => {
    recorder = makeRecorder('python');
    process.env['PATH'] = `${recorder.dir}${path.delimiter}${saved.PATH}`;
    process.env['HOME'] = recorder.dir;
    t = await startTestHost({ config: YAML.parse(SPEC_EXAMPLE) });
    t.get<EventBus>(EventBus).onAny((e) => void seen.push(e));
  });
  after(async () => {
    await t?.stop();
    process.env['PATH'] = saved.PATH;
    process.env['HOME'] = saved.HOME;
    recorder.remove();
  });

  it('Connected sends M115, M117 printer connected!, G28 and the simulator executes them', async () => {
    const printer = t.get<PrinterRegistry>(PrinterRegistry).first()!.printer;
    await printer.connect({ port: 'virtual' });
    // printer-events fires Connected: a regression there fails here
    await waitFor(() => seen.some((e) => e.name === 'Connected'), 5000, 'Connected on the bus');
    const executed = () => (printer as unknown as WithSimulator).transport?.printer?.executed.map((c) => c.command) ?? [];
    const ours = await waitFor(
      () => {
        const list = executed().filter((c) => ['M115', 'M117 printer connected!', 'G28'].includes(c));
        return list.includes('G28') && list;
      },
      15000,
      'G28 executed by the simulator',
    );
    expect(ours.slice(-3)).to.deep.equal(['M115', 'M117 printer connected!', 'G28']);
    const all = executed();
    expect(all.indexOf('M117 printer connected!')).to.be.greaterThan(all.lastIndexOf('M115'));
  });

  it('PrintStarted and PrintDone run the system commands with {file} as one argument', async () => {
    const printer = t.get<PrinterRegistry>(PrinterRegistry).first()!.printer;
    expect(seen.some((e) => e.name === 'Connected'), 'connected by the previous test').to.equal(true);
    const name = `cube "x"; $(touch PWNED) ~.gcode`;
    const diskPath = path.join(recorder.dir, name);
    writeFileSync(diskPath, 'G21\nG90\nG1 Z0.2 F1200\nG1 X10 Y10 F3000\nG1 Z0.4\nM117 done\n');
    copyFileSync(diskPath, path.join(recorder.dir, 'copy.gcode'));
    recorder.take();
    await printer.selectFile({ origin: 'local', path: name, name, size: null, diskPath }, true);
    const started = await waitFor(() => seen.find((e) => e.name === 'PrintStarted'), 10000, 'PrintStarted');
    await waitFor(() => seen.find((e) => e.name === 'PrintDone'), 30000, 'PrintDone');
    const file = (started.payload as { file: string }).file;
    const growl = path.join(recorder.dir, 'growl.py');
    const tail = ['-a', 'OctoPrint', '-i', 'http://raspi/Octoprint_logo.png'];
    const runs: string[][] = [];
    await waitFor(() => (runs.push(...recorder.take()), runs.length >= 2), 10000, 'the two growl commands');
    expect(runs.map((argv) => argv.join('\u241f')).sort()).to.deep.equal(
      [
        [growl, '-t', 'mygrowlserver', '-d', `Completed ${file}`, ...tail],
        [growl, '-t', 'mygrowlserver', '-d', `Starting ${file}`, ...tail],
      ].map((argv) => argv.join('\u241f')),
    );
    expect(existsSync(path.join(process.cwd(), 'PWNED'))).to.equal(false);
  });
});
