/** The simulator's byte pacing: nothing leaves before the wire would have carried it, polling or asleep, and asleep spends no CPU waiting. */
import { expect } from 'chai';
import { performance } from 'node:perf_hooks';
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
