/**
 * Every firmware family the simulator plays × every fault it can inject (fault-matrix.ts): a
 * 800-line print over a pty each (`npm run bench:faults` runs the same matrix on 2 000-line files; here each
 * fault strikes at the same point of the print, its line moved in proportion: faultsForLength). Either the simulator's record of executed lines is exactly the
 * file, or (where no recovery is possible) the job ends in the documented clean failure: Error,
 * Disconnected and PrintFailed, "Offline after error", and what ran is a prefix of the file.
 * The runs go four at a time (each its own pty, simulator and host); each `it` checks one.
 */
import { expect } from 'chai';
import { EventBus } from '../../core/events/event-bus.js';
import { FIRMWARE_VARIANTS, INJECTED_FAULTS, faultApplies, judge, runFaultMatrix, type MATRIX_SERIAL, type RunRecord } from '../../core/printer/simulator/fault-matrix.js';
import { fastSerial, startPrinterHost, tempDir, typicalLines } from './helpers.js';

describe('firmware dialects × faults: 800-line prints over a pty', function () {
  this.timeout(400000);
  const results = new Map<string, RunRecord | Error>();

  before(async () => {
    const startHost = async (serial: typeof MATRIX_SERIAL) => {
      const h = await startPrinterHost(fastSerial({}, serial));
      const errors = () => h.events.filter((e) => e.name === 'Error').map((e) => (e.payload as { error: string }).error);
      const settled = async () => void (await h.t.get<EventBus>(EventBus).idle(5000));
      return { printer: h.printer, names: () => h.names(), errors, settled, stop: () => h.stop() };
    };
    for (const run of await runFaultMatrix(tempDir(), typicalLines(800), startHost)) results.set(`${run.variant.name} / ${run.fault.name}`, run.result);
  });

  for (const variant of FIRMWARE_VARIANTS) {
    for (const fault of INJECTED_FAULTS.filter((f) => faultApplies(variant, f))) {
      const key = `${variant.name} / ${fault.name}`;
      it(`${key}: ${fault.outcome === 'exact' ? 'prints exactly' : 'ends in a clean failure'}`, () => {
        const run = results.get(key);
        if (run instanceof Error) throw run;
        const verdict = judge(fault, run!);
        expect(verdict, verdict.ok ? '' : verdict.why).to.deep.include({ ok: true });
      });
    }
  }
});
