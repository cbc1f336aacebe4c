/**
 * Every firmware family the simulator plays × every fault it can inject (fault-matrix.ts): a
 * 2 000-line print over a pty each. Either the simulator's record of executed lines is exactly the
 * file, or (where no recovery is possible) the job ends in the documented clean failure: Error,
 * Disconnected and PrintFailed, "Offline after error", and what ran is a prefix of the file.
 * The runs go four at a time (each its own pty, simulator and host); each `it` checks one.
 */
import { expect } from 'chai';
import path from 'node:path';
import { FIRMWARE_VARIANTS, INJECTED_FAULTS, MATRIX_SERIAL, faultApplies, judge, type FirmwareVariant, type InjectedFault, type RunRecord } from '../../core/printer/simulator/fault-matrix.js';
import { startPtyPrinter } from '../../core/printer/simulator/pty.js';
import { fastSerial, gcodeFile, startPrinterHost, tempDir, typicalLines, waitFor } from './helpers.js';

const LINES = 2000;
const PARALLEL = 4;

async function runOne(dir: string, variant: FirmwareVariant, fault: InjectedFault, index: number): Promise<RunRecord> {
  const pty = await startPtyPrinter(path.join(dir, `printer-${index}`), {
    firmware: variant.firmware,
    advancedOk: variant.advancedOk,
    pacing: false,
    motion: false,
    sdFolder: path.join(dir, `sd-${index}`),
    faults: { seed: index + 1, ...fault.faults },
  });
  const host = await startPrinterHost(fastSerial({}, MATRIX_SERIAL));
  try {
    const lines = typicalLines(LINES);
    await host.printer.connect({ port: pty.link, baudrate: 250000 });
    await host.printer.selectFile(gcodeFile(dir, `job-${index}.gcode`, lines), true);
    await waitFor('the end of the job', () => host.names().some((n) => n === 'PrintDone' || n === 'PrintFailed'), 30000);
    const error = host.events.find((e) => e.name === 'Error');
    return {
      lines,
      executed: pty.printer.executed.filter((c) => c.source === 'serial' && c.command.startsWith('G1')).map((c) => c.command),
      events: host.names(),
      error: error ? (error.payload as { error: string }).error : null,
      finalState: host.printer.state.id,
    };
  } finally {
    await host.stop();
    await pty.close();
  }
}

describe('firmware dialects × faults: 2 000-line prints over a pty', function () {
  this.timeout(120000);
  const dir = tempDir();
  const cases = FIRMWARE_VARIANTS.flatMap((variant) => INJECTED_FAULTS.filter((fault) => faultApplies(variant, fault)).map((fault) => ({ variant, fault })));
  const results = new Map<string, RunRecord | Error>();
  const key = (variant: FirmwareVariant, fault: InjectedFault) => `${variant.name} / ${fault.name}`;

  before(async () => {
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const index = next++;
        const { variant, fault } = cases[index]!;
        results.set(key(variant, fault), await runOne(dir, variant, fault, index).catch((err: Error) => err));
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
  });

  for (const { variant, fault } of cases) {
    it(`${key(variant, fault)}: ${fault.outcome === 'exact' ? 'prints exactly' : 'ends in a clean failure'}`, () => {
      const run = results.get(key(variant, fault));
      if (run instanceof Error) throw run;
      const verdict = judge(fault, run!);
      expect(verdict, verdict.ok ? '' : verdict.why).to.deep.include({ ok: true });
    });
  }
});
