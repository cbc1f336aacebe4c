/**
 * Byte pacing for the simulated printer: a serial line at B baud carries B/10 bytes a second (8N1:
 * start bit, 8 data bits, stop bit). A pty delivers instantly, so the simulator holds every chunk
 * until the wire would have carried it. Release times are computed from the previous release, not
 * from when a timer happened to fire, so a late timer releases several chunks at once and the rate
 * stays exact (at 250 000 baud a byte is 40 µs, below timer resolution). A timer covers a long wait
 * but its last millisecond is polled with setImmediate, so an answer is not late by a timer's slack.
 * That poll spins a CPU; with `sleep` (a simulator alone in its process, many of them on few cores)
 * the last millisecond is a timed Atomics.wait instead: as exact, no CPU, but the process's event
 * loop waits with it (never use it where the simulator shares a process with a host).
 */
import { performance } from 'node:perf_hooks';

const SLEEP_CELL = new Int32Array(new SharedArrayBuffer(4));

export class WireClock {
  private freeAt = 0;
  private readonly queue: { at: number; run: () => void }[] = [];
  private armed = false;
  private stopped = false;

  constructor(
    private readonly baudrate: number,
    private readonly sleep = false,
  ) {}

  /** Runs `run` once `bytes` more bytes have crossed the wire after everything scheduled before. */
  after(bytes: number, run: () => void): void {
    if (this.stopped) return;
    this.freeAt = Math.max(performance.now(), this.freeAt) + (bytes * 10_000) / this.baudrate;
    this.queue.push({ at: this.freeAt, run });
    if (!this.armed) this.arm();
  }

  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
  }

  private arm(): void {
    const head = this.queue[0];
    if (!head || this.stopped) {
      this.armed = false;
      return;
    }
    this.armed = true;
    const wait = head.at - performance.now();
    if (wait > 1.5) setTimeout(() => this.arm(), wait - 1);
    else setImmediate(() => (this.sleep ? this.sleepThenDrain() : this.drain()));
  }

  private sleepThenDrain(): void {
    const rest = (this.queue[0]?.at ?? 0) - performance.now();
    if (rest > 0) Atomics.wait(SLEEP_CELL, 0, 0, rest);
    this.drain();
  }

  private drain(): void {
    const now = performance.now();
    while (this.queue.length && this.queue[0]!.at <= now) this.queue.shift()!.run();
    this.arm();
  }
}
