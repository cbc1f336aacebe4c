/** Printing a local file on the in-process simulator: events, states, payloads, pause/resume/cancel with positions. */
import { expect } from 'chai';
import { fastSerial, gcodeFile, startPrinterHost, tempDir, typicalLines, type PrinterHost } from './helpers.js';
import { holdsFor, waitFor } from '../support/wait.js';

describe('printing (in-process virtual printer)', () => {
  let h: PrinterHost;
  const dir = tempDir();
  afterEach(async () => h?.stop());

  it('prints a file to the end: every line sent once, in order, then PrintDone and Operational (garbage lines ignored)', async () => {
    h = await startPrinterHost(fastSerial({ faults: { garbageRate: 0.05 } }));
    const lines = typicalLines(500);
    const file = gcodeFile(dir, 'part.gcode', ['; sliced by test', '', ...lines.flatMap((l, i) => (i % 10 === 0 ? [l + ' ; note', ''] : [l]))]);
    const jobLines: string[] = [];
    h.printer.onCommandSent((c) => c.fromJob && jobLines.push(c.command));
    await h.printer.connect();
    await h.printer.selectFile(file, true);
    await waitFor(() => h.names().includes('PrintDone'), 10000, 'PrintDone');
    expect(jobLines).to.deep.equal(lines);
    expect(h.printer.state.id).to.equal('OPERATIONAL');
    const done = h.events.find((e) => e.name === 'PrintDone')!.payload as Record<string, unknown>;
    expect(done).to.include({ name: 'part.gcode', path: 'part.gcode', origin: 'local', file: file.diskPath, filename: 'part.gcode' });
    expect(done.time).to.be.a('number').and.to.be.greaterThan(0);
    await waitFor(() => h.events.filter((e) => e.name === 'PrinterStateChanged').length >= 6, 10000, 'Operational');
    const states = h.events.filter((e) => e.name === 'PrinterStateChanged').map((e) => (e.payload as { state_id: string }).state_id);
    expect(states.slice(-3)).to.deep.equal(['PRINTING', 'FINISHING', 'OPERATIONAL']);
    expect(h.names(['PrintStarted', 'PrintDone'])).to.deep.equal(['PrintStarted', 'PrintDone']);
    const progress = h.events.filter((e) => e.name === 'plugin_printing_events_PrintProgress').map((e) => (e.payload as { progress: number }).progress);
    expect(progress).to.deep.equal([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(h.printer.snapshot().progress.completion).to.equal(100);
    // the print time stops with the job: it does not keep growing while the printer is Operational
    const printTime = h.printer.snapshot().progress.printTime!;
    expect(printTime).to.be.closeTo(done.time as number, 0.001);
    await holdsFor(() => h.printer.snapshot().progress.printTime === printTime, 300, 'the print time stays');
    expect(h.printer.snapshot().progress.printTimeLeft).to.equal(0);
  });

  it('prints a file whose messages and object names go beyond ASCII to the end, sending them as OctoPrint does', async () => {
    h = await startPrinterHost(fastSerial());
    const file = gcodeFile(dir, 'names.gcode', [...typicalLines(20), 'M486 AĊat', 'M117 Würfel ✓', ...typicalLines(20)]);
    const sent: string[] = [];
    h.printer.onCommandSent((c) => c.fromJob && c.command.startsWith('M') && sent.push(c.command));
    await h.printer.connect();
    await h.printer.selectFile(file, true);
    // before, the printer never answered such a line and the print stalled
    await waitFor(() => h.names().includes('PrintDone'), 10000, 'PrintDone');
    expect(sent).to.deep.equal(['M486 A?at', 'M117 W?rfel ?']);
  });

  it('pauses, resumes and cancels with M114 positions, the last tool and feedrate in the payloads', async () => {
    // motion on: moves take real (scaled) time, so the print is still running when we pause
    h = await startPrinterHost(fastSerial({ motion: true, speedFactor: 20, extruders: 2 }));
    const moves = Array.from({ length: 400 }, (_, i) => `G1 X${(10 + (i % 50)).toFixed(1)} Y${(20 + (i % 7)).toFixed(1)} E${(i * 0.05).toFixed(2)} F6000`);
    const file = gcodeFile(dir, 'long.gcode', ['T1', 'G28', 'G1 Z0.3 F3000', ...moves]);
    const sentMoves: string[] = [];
    h.printer.onCommandSent((c) => c.fromJob && c.code === 'G1' && sentMoves.push(c.command));
    await h.printer.connect();
    await h.printer.selectFile(file, true);
    await waitFor(() => sentMoves.length > 40, 10000, 'some moves');
    await h.printer.pausePrint();
    expect(h.printer.state.id).to.equal('PAUSED');
    const last = sentMoves.at(-1)!;
    const [, x, y, e] = /X([\d.]+) Y([\d.]+) E([\d.]+)/.exec(last)!.map(Number);
    await waitFor(() => h.names().includes('PrintPaused'), 10000, 'PrintPaused');
    const paused = h.events.find((ev) => ev.name === 'PrintPaused')!.payload as Record<string, unknown>;
    expect(paused).to.include({ name: 'long.gcode', path: 'long.gcode', origin: 'local', filename: 'long.gcode' });
    expect(paused.position).to.deep.equal({ x, y, z: 0.3, e, t: 1, f: 6000 });
    const countAtPause = sentMoves.length;
    await holdsFor(() => sentMoves.length === countAtPause, 100, 'nothing is sent while paused');

    await h.printer.resumePrint();
    expect(h.printer.state.id).to.equal('PRINTING');
    await waitFor(() => sentMoves.length > countAtPause + 20, 10000, 'more moves');
    await h.printer.cancelPrint();
    expect(h.printer.state.id).to.equal('OPERATIONAL');
    await waitFor(() => h.names().includes('PrintCancelled'), 10000, 'PrintCancelled');
    const cancelled = h.events.find((ev) => ev.name === 'PrintCancelled')!.payload as { position: Record<string, number> };
    const [, cx, cy, ce] = /X([\d.]+) Y([\d.]+) E([\d.]+)/.exec(sentMoves.at(-1)!)!.map(Number);
    expect(cancelled.position).to.deep.equal({ x: cx, y: cy, z: 0.3, e: ce, t: 1, f: 6000 });
    expect(h.names(['PrintStarted', 'PrintPaused', 'PrintResumed', 'PrintCancelled', 'PrintDone', 'PrintFailed'])).to.deep.equal([
      'PrintStarted',
      'PrintPaused',
      'PrintResumed',
      'PrintCancelled',
    ]);
    const states = h.events.filter((ev) => ev.name === 'PrinterStateChanged').map((ev) => (ev.payload as { state_id: string }).state_id);
    expect(states.slice(3)).to.deep.equal(['PRINTING', 'PAUSING', 'PAUSED', 'RESUMING', 'PRINTING', 'CANCELLING', 'OPERATIONAL']);
  });

  it('acts on the firmware\'s //action:pause, resume and cancel host actions', async () => {
    h = await startPrinterHost(fastSerial({ motion: true, speedFactor: 20 }));
    const moves = Array.from({ length: 400 }, (_, i) => `G1 X${10 + (i % 50)} Y${20 + (i % 7)} F6000`);
    const actions: string[] = [];
    h.printer.onHostAction(({ action }) => actions.push(action));
    await h.printer.connect();
    await h.printer.selectFile(gcodeFile(dir, 'actions.gcode', moves), true);
    await waitFor(() => h.printer.snapshot().progress.linesSent > 20, 10000, 'printing');
    h.printer.commands('M118 A1 action:pause'); // the simulator echoes "//action:pause", as a printer's menu would send it
    await waitFor(() => h.printer.state.id === 'PAUSED', 10000, 'Paused');
    h.printer.commands('M118 A1 action:resume');
    await waitFor(() => h.printer.state.id === 'PRINTING', 10000, 'Printing');
    h.printer.commands('M118 A1 action:cancel');
    await waitFor(() => h.names().includes('PrintCancelled'), 10000, 'PrintCancelled');
    expect(actions).to.deep.equal(['pause', 'resume', 'cancel']);
    expect(h.names(['PrintPaused', 'PrintResumed', 'PrintCancelled'])).to.deep.equal(['PrintPaused', 'PrintResumed', 'PrintCancelled']);
  });

  it('restarts a paused print from the beginning', async () => {
    h = await startPrinterHost(fastSerial({ motion: true, speedFactor: 50 }));
    const moves = Array.from({ length: 200 }, (_, i) => `G1 X${10 + (i % 50)} Y${20 + (i % 7)} F6000`);
    const sent: string[] = [];
    h.printer.onCommandSent((c) => c.fromJob && sent.push(c.command));
    await h.printer.connect();
    await h.printer.selectFile(gcodeFile(dir, 'restart.gcode', moves), true);
    await waitFor(() => sent.length > 30, 10000, 'some lines');
    await h.printer.pausePrint();
    const before = sent.length;
    await h.printer.restartPrint();
    await waitFor(() => h.names().includes('PrintDone'), 15000, 'PrintDone');
    expect(sent.slice(before)).to.deep.equal(moves);
    expect(h.names(['PrintStarted', 'PrintPaused', 'PrintDone'])).to.deep.equal(['PrintStarted', 'PrintPaused', 'PrintStarted', 'PrintDone']);
  });
});
