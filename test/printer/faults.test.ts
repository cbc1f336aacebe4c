/** Failure handling against the simulator's injected faults: lost ok, disconnect mid-print, silence. */
import { expect } from 'chai';
import path from 'node:path';
import { startPtyPrinter, type PtyPrinter } from '../../core/printer/simulator/pty.js';
import { fastSerial, gcodeFile, startPrinterHost, tempDir, typicalLines, type PrinterHost } from './helpers.js';
import { waitFor } from '../support/wait.js';

describe('printer faults (simulated printer)', () => {
  let h: PrinterHost;
  let pty: PtyPrinter | undefined;
  const dir = tempDir();
  afterEach(async () => {
    await h?.stop();
    await pty?.close();
  });

  it('recovers from a lost "ok" with a nudge after the communication timeout', async () => {
    h = await startPrinterHost(fastSerial({ faults: { lostOkAfterLines: 30 } }, { timeout: { communication: 200, maxNudges: 3, connection: 3000, hello: 200 } }));
    const lines = typicalLines(200);
    const sent: string[] = [];
    const jobLines: string[] = [];
    h.printer.onLog(({ direction, line }) => direction === 'send' && sent.push(line));
    h.printer.onCommandSent((c) => c.fromJob && jobLines.push(c.command));
    await h.printer.connect();
    await h.printer.selectFile(gcodeFile(dir, 'lost-ok.gcode', lines), true);
    await waitFor(() => h.names().includes('PrintDone'), 10000, 'PrintDone');
    // the simulator reports ADVANCED_OK, so the nudge is M400 (its "ok N<line>" also reveals lost lines)
    expect(sent.filter((line) => line === 'M400' || line === 'M105'), 'one unnumbered nudge').to.deep.equal(['M400']);
    expect(jobLines).to.deep.equal(lines);
    expect(h.names()).to.not.include('Error');
  });

  it('a disconnect mid-print gives Error, Disconnected and PrintFailed, then a clean "Offline after error"', async () => {
    h = await startPrinterHost(fastSerial({ faults: { disconnectAfterLines: 100 } }));
    await h.printer.connect();
    await h.printer.selectFile(gcodeFile(dir, 'cut.gcode', typicalLines(1000)), true);
    await waitFor(() => h.names().includes('PrintFailed'), 10000, 'PrintFailed');
    expect(h.names(['Error', 'Disconnected', 'PrintFailed'])).to.deep.equal(['Error', 'Disconnected', 'PrintFailed']);
    const failed = h.events.find((e) => e.name === 'PrintFailed')!.payload as Record<string, unknown>;
    expect(failed).to.include({ name: 'cut.gcode', path: 'cut.gcode', origin: 'local', reason: 'virtual printer disconnected' });
    expect(failed.time).to.be.a('number');
    expect((h.events.find((e) => e.name === 'Error')!.payload as { error: string }).error).to.equal('virtual printer disconnected');
    const snapshot = h.printer.snapshot();
    expect(snapshot.state).to.deep.equal({ id: 'CLOSED_WITH_ERROR', text: 'Offline after error', error: 'virtual printer disconnected' });
    expect(snapshot.connection).to.equal(null);
    expect(h.printer.isBusyWith('local', 'cut.gcode')).to.equal(false);
    expect(() => h.printer.commands('G28')).to.throw(/offline after error/);
    // the printer can be connected again
    await h.printer.connect();
    expect(h.printer.state.id).to.equal('OPERATIONAL');
  });

  it('ends in Error after the configured number of unanswered nudges', async () => {
    h = await startPrinterHost(fastSerial({ faults: { silentAfterLines: 3 } }, { timeout: { communication: 100, maxNudges: 2, connection: 3000, hello: 200 } }));
    await h.printer.connect();
    await h.printer.selectFile(gcodeFile(dir, 'silent.gcode', typicalLines(50)), true);
    await waitFor(() => h.names().includes('PrintFailed'), 5000, 'Error');
    const error = (h.events.find((e) => e.name === 'Error')!.payload as { error: string }).error;
    expect(error).to.match(/communication timeout.*2 M105 nudges/);
    expect(h.printer.state.id).to.equal('CLOSED_WITH_ERROR');
  });

  it('a window larger than the firmware holds loses lines in its receive buffer; resends deliver all of them in order', async () => {
    // moves take time, so the planner fills, the command buffer fills, and the 128-byte ring overflows;
    // over a pty so that the simulator's record can be compared
    pty = await startPtyPrinter(path.join(dir, 'overflow-printer'), { pacing: false, motion: true, speedFactor: 200, sdFolder: path.join(dir, 'sd') });
    h = await startPrinterHost(fastSerial({}, { window: 12, timeout: { communication: 300, maxNudges: 3, connection: 3000, hello: 200 } }));
    const lines = typicalLines(300);
    await h.printer.connect({ port: pty.link, baudrate: 250000 });
    await h.printer.selectFile(gcodeFile(dir, 'overflow.gcode', lines), true);
    await waitFor(() => h.names().includes('PrintDone'), 15000, 'PrintDone');
    expect(pty.printer.rxOverflows, 'lines were lost in the receive buffer').to.be.greaterThan(0);
    const executed = pty.printer.executed.filter((c) => c.source === 'serial' && c.command.startsWith('G1')).map((c) => c.command);
    expect(executed).to.deep.equal(lines);
  });
});
