/**
 * What both columns of `npm run bench:push` share: the wall clock the latencies are measured on,
 * the request/answer exchange with a client child process, and the pump firing `ZChange` at a rate.
 */
import type { ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import type { EventBus } from '../../core/events/event-bus.js';

/** Milliseconds on a clock shared by processes of this machine (high resolution). */
export const now = (): number => performance.timeOrigin + performance.now();

/** Sends `message` (when given) to the child and resolves with its first answer that `pick` accepts. */
export function reply<T>(child: ChildProcess, message: object | null, pick: (m: T) => boolean): Promise<T> {
  return new Promise((resolve) => {
    const listener = (m: T) => {
      if (!pick(m)) return;
      child.off('message', listener);
      resolve(m);
    };
    child.on('message', listener);
    if (message) child.send(message);
  });
}

/** Fires `rate` ZChange events per second for `seconds`, each carrying its firing time in `new`; returns how many. */
export async function pump(bus: EventBus, rate: number, seconds: number): Promise<number> {
  const total = Math.round(rate * seconds);
  const start = performance.now();
  let fired = 0;
  while (fired < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
    for (; fired < due; fired++) bus.fire('ZChange', { new: now(), old: fired });
    await new Promise((r) => setTimeout(r, 2));
  }
  return total;
}
