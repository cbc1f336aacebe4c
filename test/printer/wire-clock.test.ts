/**
 * The simulator's byte pacing: nothing leaves before the wire would have carried it, polling or
 * asleep, and asleep spends no CPU waiting. And its record of how long the host kept it waiting
 * (`--ok-gaps`), which the benchmarks report.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { frame } from '../../core/printer/protocol/gcode.js';
import { virtualPrinterOptions } from '../../core/printer/simulator/options.js';
import { VirtualPrinter } from '../../core/printer/simulator/virtual-printer.js';
import { WireClock } from '../../core/printer/simulator/wire-clock.js';

const BAUD = 250_000;
const CHUNK = 42; // a typical framed line: 1.68 ms at 250 000 baud
const CHUNKS = 200;

/** Sends CHUNKS chunks one after another, each once the previous one is out (as one command in flight does). */
async function pace(sleep: boolean): Promise<{ early: number; wallMs: number; cpuMs: number }> {
  const clock = new WireClock(BAUD, sleep);
  const chunkMs = (CHUNK * 10_000) / BAUD;
  let early = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < CHUNKS; i++) {
    const sent = performance.now();
    await new Promise<void>((resolve) => clock.after(CHUNK, resolve));
    if (performance.now() - sent < chunkMs) early++;
  }
  const used = process.cpuUsage(cpu);
  return { early, wallMs: performance.now() - start, cpuMs: (used.user + used.system) / 1000 };
}

describe('simulator wire clock', function () {
  this.timeout(20000);

  for (const sleep of [false, true]) {
    it(`releases no chunk before its bytes crossed the wire (${sleep ? 'asleep' : 'polling'})`, async () => {
      const run = await pace(sleep);
      expect(run.early).to.equal(0);
      expect(run.wallMs).to.be.at.least((CHUNKS * CHUNK * 10_000) / BAUD);
    });
  }

  it('asleep, spends a small part of the waiting time on the CPU', async () => {
    const run = await pace(true);
    // polling spins through the last millisecond of every chunk; asleep, only timers and callbacks run
    expect(run.cpuMs, `${run.cpuMs.toFixed(0)} ms of CPU in ${run.wallMs.toFixed(0)} ms`).to.be.below(run.wallMs * 0.25);
  });
});

describe('simulator ok gaps', () => {
  it('with one command in flight, pairs each line with the "ok" just before it, after an "ok" the host skipped too', () => {
    const sdFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'cuttle-okgaps-'));
    const out: string[] = [];
    // a duplicated "ok" after line 2, as a late answer to a repeated hello is: the host answers only one of them
    const printer = new VirtualPrinter(virtualPrinterOptions({ pacing: false, advancedOk: false, sdFolder, faults: { duplicateOkAfterLines: 2 } }), (data) => out.push(data));
    try {
      printer.start();
      const lines = ['M110 N0', 'M115', 'G1 X1', 'G1 X2', 'G1 X3', 'G1 X4'];
      lines.forEach((command, i) => printer.receive(`${frame(i, command)}\n`));
      expect(out.filter((data) => data.startsWith('ok')).length).to.equal(lines.length + 1);
      const gaps = printer.okGaps;
      expect(gaps).to.have.length(lines.length - 1);
      // each line answers the "ok" that left after the previous line arrived, never an older one
      for (let i = 1; i < gaps.length; i++) expect(gaps[i]!.ok, `gap ${i}`).to.be.at.least(gaps[i - 1]!.at);
    } finally {
      printer.stop();
      fs.rmSync(sdFolder, { recursive: true, force: true });
    }
  });
});
