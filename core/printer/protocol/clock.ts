/**
 * Time as the protocol sees it: a monotonic `now()` and timers that hand back a Disposable. The
 * protocol's timeouts (the handshake's, the communication timeout's M105 nudge) are read from here,
 * never from the global timers, so a test can run them on a clock it advances by hand (virtual time)
 * instead of waiting real seconds. `realClock` is the default.
 */
import { performance } from 'node:perf_hooks';
import { Disposable } from '../../common/disposable.js';

export interface Clock {
  /** milliseconds, monotonic (only differences mean anything) */
  now(): number;
  /** calls `run` every `ms` until disposed; it does not keep the process alive */
  every(ms: number, run: () => void): Disposable;
  /** calls `run` once after `ms` unless disposed first */
  after(ms: number, run: () => void): Disposable;
}

export const realClock: Clock = {
  now: () => performance.now(),
  every(ms, run) {
    const timer = setInterval(run, ms);
    timer.unref();
    return Disposable.create(() => clearInterval(timer));
  },
  after(ms, run) {
    const timer = setTimeout(run, ms);
    return Disposable.create(() => clearTimeout(timer));
  },
};
