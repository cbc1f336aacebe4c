/**
 * The simulated printer's physical parts: heaters that approach their target over time, and a
 * motion planner of fixed size whose blocks take the time their distance and feedrate give.
 * `speedFactor` compresses all of it so tests run fast.
 */
import { performance } from 'node:perf_hooks';

const AMBIENT = 21;

export class Heater {
  private value = AMBIENT;
  private at = performance.now();
  target = 0;

  /** degrees per second (before the speed factor) heating and cooling */
  constructor(
    private readonly speedFactor: number,
    private readonly heatRate: number,
    private readonly coolRate = heatRate / 2,
  ) {}

  get actual(): number {
    const now = performance.now();
    const seconds = ((now - this.at) / 1000) * this.speedFactor;
    this.at = now;
    if (this.value < this.target) this.value = Math.min(this.target, this.value + this.heatRate * seconds);
    else this.value = Math.max(Math.max(this.target, AMBIENT), this.value - this.coolRate * seconds);
    return this.value;
  }

  /** within Marlin's TEMP_WINDOW of the target (cooling waits count "below target" as reached) */
  reached(coolingToo: boolean): boolean {
    const actual = this.actual;
    return coolingToo ? Math.abs(actual - this.target) <= 1 : actual >= this.target - 1;
  }

  report(): string {
    return `${this.actual.toFixed(2)} /${this.target.toFixed(2)}`;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** Marlin's planner: a ring of `size` blocks executed one after another. */
export class Planner {
  private readonly ends: number[] = [];

  constructor(private readonly size: number) {}

  private prune(now: number): void {
    while (this.ends.length && this.ends[0]! <= now) this.ends.shift();
  }

  get free(): number {
    this.prune(performance.now());
    return this.size - this.ends.length;
  }

  /** Queues a block of `ms`; waits (returns a promise) only while the planner is full. */
  add(ms: number): Promise<void> | void {
    if (ms <= 0) return;
    const now = performance.now();
    this.prune(now);
    if (this.ends.length >= this.size) return sleep(this.ends[0]! - now).then(() => this.add(ms));
    this.ends.push(Math.max(now, this.ends.at(-1) ?? now) + ms);
  }

  /** Waits for every queued block to finish (M400, G4). */
  drain(): Promise<void> | void {
    const last = this.ends.at(-1);
    if (last === undefined) return;
    const wait = last - performance.now();
    if (wait <= 0) return;
    return sleep(wait).then(() => this.drain());
  }
}

/** Park-Miller style seeded generator, so a fault pattern can be replayed with the same seed. */
export function seededRandom(seed: number): () => number {
  let state = seed % 2147483647 || 1;
  return () => {
    state = (state * 48271) % 2147483647;
    return state / 2147483647;
  };
}
