/**
 * What both columns of `npm run bench:push` share: the wall clock the latencies are measured on,
 * the request/answer exchange with a client child process, and the pump firing `ZChange` at a rate.
 */
import { fork, type ChildProcess } from 'node:child_process';
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

/** A client child process: forked from `file` with `args`, pinned to `cpus` (a taskset list) when given. */
export interface ClientChild {
  readonly child: ChildProcess;
  /** kills it (its exit is then no error) */
  stop(): void;
}

/** Forks `file` with `args` and resolves once the child sends `{ready: true}`; rejects when it exits before. */
export async function forkClientChild(file: string, args: string[], cpus?: string): Promise<ClientChild> {
  const child = fork(file, args, {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    ...(cpus ? { execPath: 'taskset', execArgv: ['-c', cpus, process.execPath] } : {}),
  });
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`${args[0] ?? 'client'} process ${file} exited with ${code}`))));
  await Promise.race([reply(child, null, (m: { ready?: boolean }) => !!m.ready), exited]);
  return {
    child,
    stop: () => {
      child.removeAllListeners('exit');
      child.kill();
    },
  };
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

/** In a client child: records latencies and hands them to the parent (then resets) whenever it asks with `{collect: true}`. */
export function latencyRecorder(): (ms: number) => void {
  let latencies: number[] = [];
  process.on('message', (m: { collect?: boolean }) => {
    if (!m.collect) return;
    process.send!({ latencies: latencies.map((l) => Math.round(l * 10) / 10) });
    latencies = [];
  });
  return (ms) => void latencies.push(ms);
}

/** Opens `count` clients 25 at a time, 20 ms apart: a storm of 1 000 handshakes at once only measures the accept queue. */
export function openInBatches(count: number, openOne: (index: number) => void): void {
  let opened = 0;
  const batch = () => {
    for (let n = 0; n < 25 && opened < count; n++) openOne(opened++);
    if (opened < count) setTimeout(batch, 20);
  };
  batch();
}
