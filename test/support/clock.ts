/**
 * A clock that moves only when the test says so, for code that takes a `Clock`
 * (core/printer/protocol/clock.ts): `advance(ms)` fires every timer that falls due on the way, each at
 * its own time and in order, and lets the event loop turn after each (so what a timer set off —
 * microtasks, immediates, I/O callbacks already queued — runs before the next one). A 60 s timeout
 * takes a few milliseconds of real time.
 */
import { Disposable } from '../../core/common/disposable.js';
import type { Clock } from '../../core/printer/protocol/clock.js';

interface Timer {
  at: number;
  /** set for a repeating timer */
  period?: number;
  run: () => void;
  order: number;
}

export class ManualClock implements Clock {
  private time = 0;
  private order = 0;
  private readonly timers = new Set<Timer>();

  now(): number {
    return this.time;
  }

  every(ms: number, run: () => void): Disposable {
    return this.add({ at: this.time + ms, period: Math.max(1, ms), run, order: this.order++ });
  }

  after(ms: number, run: () => void): Disposable {
    return this.add({ at: this.time + ms, run, order: this.order++ });
  }

  /** Timers set and not disposed (nor fired, for one-shot ones). */
  get pending(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, firing what falls due, in time order. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      await turn();
      const next = [...this.timers].filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.order - b.order)[0];
      if (!next) break;
      this.time = next.at;
      if (next.period === undefined) this.timers.delete(next);
      else next.at += next.period;
      next.run();
    }
    this.time = end;
    await turn();
  }

  private add(timer: Timer): Disposable {
    this.timers.add(timer);
    return Disposable.create(() => this.timers.delete(timer));
  }
}

/** One turn of the event loop: microtasks and immediates queued so far run (no timer involved). */
export function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
