/** Fires at a steady rate for the benchmarks: as many as are due by the clock, then yields to I/O. */
import { performance } from 'node:perf_hooks';

/** Calls `fire(n)` for n = 1…total at `ratePerS`; resolves with the seconds it took. */
export function fireAtRate(ratePerS: number, total: number, fire: (n: number) => void): Promise<number> {
  let fired = 0;
  const start = performance.now();
  return new Promise<number>((resolve) => {
    const pump = () => {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * ratePerS));
      while (fired < due) fire(++fired);
      if (fired >= total) resolve((performance.now() - start) / 1000);
      else setImmediate(pump);
    };
    pump();
  });
}
