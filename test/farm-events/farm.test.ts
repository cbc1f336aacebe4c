/**
 * Three printers in one host, each on a real pty with the simulator in its own process (socat,
 * serialport, 250 000 baud): (a) three different files printed at once arrive executed exactly, with
 * PrintStarted/PrintDone carrying each printer's id; (b) one printer's simulator is stopped mid-print
 * (its pty closes): that printer ends in Error, Disconnected and PrintFailed (its id on each), the
 * two others finish exactly; (c) a subscription with `printers: [p2]` fires only for p2's events,
 * `{__printer}` substituted; (d) /metrics has series per printer.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { EventBus, type AnyFiredEvent } from '../../core/events/event-bus.js';
import { EventHooks } from '../../core/event-hooks/api.js';
import { PrinterRegistry } from '../../core/printers/printer-registry.js';
import { startSimulatorProcess, type SimulatorProcess } from '../../scripts/bench/simulator-process.js';
import { makeRecorder, type Recorder } from '../event-hooks/support.js';
import { gcodeFile, tempDir } from '../printer/helpers.js';
import { startTestHost, type TestHost } from '../support/host.js';
import { keyHeaders } from '../support/http.js';
import { waitFor } from '../support/wait.js';

const IDS = ['p1', 'p2', 'p3'] as const;
const BAUD = 250000;
/** what the host sends on its own (handshake, polls), not part of a printed file */
const HOST_COMMANDS = /^(M110|M115|M155|M105|M114|M21|M20)\b/;

interface Executed {
  command: string;
  source: string;
}

/** A distinct file per printer: moves, a layer change every 40 lines, each printer its own coordinates. */
function fileLines(printer: number, count: number): string[] {
  const lines: string[] = [];
  for (let i = 0; lines.length < count; i++) {
    if (i % 40 === 0) lines.push(`G1 Z${(0.2 + (i / 40) * 0.2).toFixed(2)} F600`);
    else lines.push(`G1 X${(10 * printer + (i % 31) * 1.3).toFixed(2)} Y${(20 + (i % 17) * 2.7).toFixed(2)} E${(i * 0.01).toFixed(3)}`);
  }
  return lines;
}

describe('farm events: three printers on ptys, each in its own simulator process', function () {
  this.timeout(120000);
  const dir = tempDir();
  let recorder: Recorder;
  let t: TestHost;
  let registry: PrinterRegistry;
  const events: AnyFiredEvent[] = [];
  const sims = new Map<string, SimulatorProcess>();

  const simDir = (id: string, round: string) => path.join(dir, `${id}-${round}`);
  const startSims = async (round: string) => {
    for (const id of IDS) {
      const folder = simDir(id, round);
      mkdirSync(folder, { recursive: true });
      // each simulator alone in its process: it sleeps out the wire's last millisecond instead of spinning a core (as exact)
      sims.set(id, await startSimulatorProcess(folder, BAUD, ['--record', path.join(folder, 'record.jsonl'), '--sleep-pacing']));
    }
  };
  /** the simulator's record of the lines it executed from the serial line, host polls left out */
  const executed = (id: string, round: string) =>
    readFileSync(path.join(simDir(id, round), 'record.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Executed)
      .filter((c) => c.source === 'serial' && !HOST_COMMANDS.test(c.command))
      .map((c) => c.command);
  const scrape = async () => {
    const response = await fetch(`${t.baseUrl}/metrics`, { headers: keyHeaders(t.apiKey) });
    expect(response.status).to.equal(200);
    return response.text();
  };
  /** one sample of a metric for a printer (and more labels), from the text format */
  const value = (text: string, name: string, printer: string, extra = '') => {
    const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(`printer="${printer}"`) && l.includes(extra));
    return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
  };
  const of = (name: string, printer: string) => events.filter((e) => e.name === name && (e.payload as { printer?: string }).printer === printer);
  const stopSim = async (id: string) => {
    const sim = sims.get(id);
    sims.delete(id);
    await sim?.stop();
  };
  const connectAll = async () => {
    for (const id of IDS) await registry.get(id)!.printer.connect({ port: sims.get(id)!.link, baudrate: BAUD });
  };

  before(async () => {
    recorder = makeRecorder();
    await startSims('a');
    t = await startTestHost({
      config: {
        printers: IDS.map((id) => ({ id, name: id.toUpperCase(), connection: { port: path.join(simDir(id, 'a'), 'printer'), baudrate: BAUD, autoconnect: false } })),
        serial: { temperatureInterval: 1, timeout: { connection: 5000, hello: 500, communication: 5000, maxNudges: 3 } },
        events: {
          subscriptions: [
            { event: 'PrintStarted', type: 'system', command: `${recorder.program} started {__printer} {name}`, printers: ['p2'] },
            { event: 'PrintDone', type: 'system', command: `${recorder.program} done {__printer} {name} {__filename}`, printers: ['p2'] },
            // a shared event never matches a printers filter
            { event: 'FileAdded', type: 'system', command: `${recorder.program} added {__printer}`, printers: ['p2'] },
            { event: 'FileAdded', type: 'system', command: `${recorder.program} shared [{__printer}]` },
          ],
        },
      },
    });
    registry = t.get<PrinterRegistry>(PrinterRegistry);
    t.get<EventBus>(EventBus).onAny((e) => void events.push(e));
  });

  after(async () => {
    await t?.stop();
    for (const id of [...sims.keys()]) await stopSim(id);
    recorder?.remove();
  });

  it('(a) prints three different files at once, each executed exactly, PrintStarted/PrintDone with the right printer', async () => {
    await connectAll();
    const files = IDS.map((id, i) => ({ id, lines: fileLines(i + 1, 800 + 200 * i) }));
    await Promise.all(files.map(({ id, lines }) => registry.get(id)!.printer.selectFile(gcodeFile(dir, `${id}-a.gcode`, lines), true)));
    await waitFor(() => IDS.every((id) => of('PrintDone', id).length === 1), 90000, 'PrintDone on every printer');
    for (const id of IDS) {
      expect(of('PrintStarted', id).map((e) => (e.payload as { name: string }).name)).to.deep.equal([`${id}-a.gcode`]);
      expect(of('PrintDone', id).map((e) => (e.payload as { name: string }).name)).to.deep.equal([`${id}-a.gcode`]);
      expect(of('PrintFailed', id)).to.deep.equal([]);
    }
    // while connected, each printer's heaters have their own series
    const text = await scrape();
    for (const id of IDS) expect(value(text, 'cuttle_temperature_celsius', id, 'heater="tool0"'), `${id} tool0`).to.be.a('number');
    // every PrintStarted/PrintDone names a printer: none went out without one
    expect(events.filter((e) => ['PrintStarted', 'PrintDone'].includes(e.name) && !(e.payload as { printer?: string }).printer)).to.deep.equal([]);
    for (const id of IDS) await registry.get(id)!.printer.disconnect();
    for (const id of IDS) await stopSim(id);
    for (const { id, lines } of files) expect(executed(id, 'a'), `${id}'s simulator executed its file exactly`).to.deep.equal(lines);
  });

  it('(c) a subscription with printers: [p2] fires only for p2, with {__printer} substituted; shared events match no printers filter', async () => {
    const runs = recorder.take();
    expect(runs.filter((argv) => argv[0] === 'started')).to.deep.equal([['started', 'p2', 'p2-a.gcode']]);
    expect(runs.filter((argv) => argv[0] === 'done')).to.deep.equal([['done', 'p2', 'p2-a.gcode', 'p2-a.gcode']]);
    const bus = t.get<EventBus>(EventBus);
    bus.fire('FileAdded', { storage: 'local', path: 'shared.gcode', name: 'shared.gcode', type: ['machinecode', 'gcode'] });
    await bus.idle(5000);
    await t.get<EventHooks>(EventHooks).idle(10000);
    expect(recorder.take()).to.deep.equal([['shared', '[]']]);
  });

  it('(b) one printer\'s pty closes mid-print: it ends in Error, Disconnected and PrintFailed; the other two finish exactly', async () => {
    events.length = 0;
    await startSims('b');
    await connectAll();
    const files = IDS.map((id, i) => ({ id, lines: fileLines(i + 4, 1500) }));
    await Promise.all(files.map(({ id, lines }) => registry.get(id)!.printer.selectFile(gcodeFile(dir, `${id}-b.gcode`, lines), true)));
    const p1 = registry.get('p1')!.printer;
    await waitFor(() => (p1.snapshot().progress.completion ?? 0) > 20, 60000, 'p1 past 20 %');
    await stopSim('p1');
    await waitFor(() => of('PrintFailed', 'p1').length === 1 && of('Disconnected', 'p1').length === 1, 30000, 'p1 failed and disconnected');
    expect(of('Error', 'p1').length, 'p1 reported an error').to.be.at.least(1);
    expect(p1.state.id).to.be.oneOf(['ERROR', 'OFFLINE', 'CLOSED_WITH_ERROR']);
    await waitFor(() => ['p2', 'p3'].every((id) => of('PrintDone', id).length === 1), 90000, 'PrintDone on p2 and p3');
    for (const id of ['p2', 'p3']) {
      expect(of('PrintFailed', id)).to.deep.equal([]);
      expect(of('Error', id)).to.deep.equal([]);
    }
    for (const id of ['p2', 'p3']) {
      await registry.get(id)!.printer.disconnect();
      await stopSim(id);
    }
    for (const { id, lines } of files.filter((f) => f.id !== 'p1')) expect(executed(id, 'b'), `${id} executed its file exactly`).to.deep.equal(lines);
    const cut = executed('p1', 'b');
    expect(cut.length).to.be.greaterThan(0).and.lessThan(files[0]!.lines.length);
    expect(cut).to.deep.equal(files[0]!.lines.slice(0, cut.length));
  });

  it('(d) /metrics has progress, lines, resends and errors series per printer; a removed printer\'s go', async () => {
    const text = await scrape();
    for (const id of IDS) {
      // at least (a)'s file and a part of (b)'s
      expect(value(text, 'cuttle_lines_sent_total', id), `${id} lines`).to.be.greaterThan(800);
      expect(value(text, 'cuttle_resends_total', id), `${id} resends`).to.equal(0);
      expect(value(text, 'cuttle_job_progress_ratio', id), `${id} progress`).to.be.a('number');
      expect(value(text, 'cuttle_printer_errors_total', id), `${id} errors`).to.be.a('number');
    }
    expect(value(text, 'cuttle_printer_errors_total', 'p1')).to.be.at.least(1);
    expect(value(text, 'cuttle_printer_errors_total', 'p2')).to.equal(0);
    await registry.remove('p3');
    const after = await scrape();
    expect(after).to.not.include('printer="p3"');
    expect(value(after, 'cuttle_lines_sent_total', 'p2')).to.be.greaterThan(1500);
  });
});
