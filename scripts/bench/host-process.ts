/**
 * A real `cuttle serve` as its own process for the benchmarks, optionally pinned to CPUs (taskset),
 * and what /proc tells about it: CPU time (utime+stime) and resident memory, sampled on the wall
 * clock the simulators record on, so CPU can be read over any window found afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { RUNNING_HOST_FILE } from '../../core/common/running-host.js';
import { now } from './push-harness.js';

const CLI = path.resolve(__dirname, '../../core/cli/main.js');
/** clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ: 100 on Linux) */
const TICKS_PER_SECOND = 100;

export interface HostProcess {
  readonly pid: number;
  readonly baseUrl: string;
  /** the samples taken so far: [wall clock ms since the epoch, user CPU ms, system CPU ms, VmRSS kB] */
  readonly samples: Sample[];
  /** CPU ms the process spent between two wall clock times (interpolated between samples), in user and system mode */
  cpuMsBetween(from: number, to: number): { user: number; system: number };
  /** peak resident set so far (VmHWM) and the largest sampled VmRSS, in MB */
  memory(): { hwmMb: number; maxSampledRssMb: number };
  /** SIGTERM and wait for the exit (SIGKILL after 15 s) */
  stop(): Promise<void>;
}

export interface HostOptions {
  basedir: string;
  /** taskset CPU list for the host */
  cpus?: string;
  /** node flags (e.g. --cpu-prof) */
  nodeArgs?: string[];
  /** ms between /proc samples */
  sampleMs?: number;
}

type Sample = [number, number, number, number];

/** CPU ms (all threads) a process has used so far, in user and in system mode. */
export function cpuTimes(pid: number): { user: number; system: number } {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // fields after the command name (which may hold spaces) in parentheses: utime and stime are 14 and 15
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: (Number(fields[11]) * 1000) / TICKS_PER_SECOND, system: (Number(fields[12]) * 1000) / TICKS_PER_SECOND };
}

function cpuMs(pid: number): number {
  const { user, system } = cpuTimes(pid);
  return user + system;
}

/** CPU ms used so far by a process and its direct children (a simulator and its socat); 0 for what is gone. */
export function treeCpuMs(pid: number): number {
  let children: number[] = [];
  try {
    children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return 0;
  }
  return [pid, ...children].reduce((sum, p) => {
    try {
      return sum + cpuMs(p);
    } catch {
      return sum;
    }
  }, 0);
}

function statusKb(pid: number, key: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) : NaN;
}

export async function startHostProcess(options: HostOptions): Promise<HostProcess> {
  const args = [...(options.nodeArgs ?? []), CLI, 'serve', '--basedir', options.basedir, '--host', '127.0.0.1', '--port', '0'];
  const log = fs.openSync(path.join(options.basedir, 'host.log'), 'a');
  const stdio: ['ignore', number, number] = ['ignore', log, log];
  // taskset execs node in its own place: the child's pid is the host's
  const child: ChildProcess = options.cpus ? spawn('taskset', ['-c', options.cpus, process.execPath, ...args], { stdio }) : spawn(process.execPath, args, { stdio });
  fs.closeSync(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const record = path.join(options.basedir, RUNNING_HOST_FILE);
  const deadline = Date.now() + 60_000;
  let baseUrl: string | undefined;
  while (!baseUrl) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`cuttle serve exited (${child.exitCode ?? child.signalCode}); see ${path.join(options.basedir, 'host.log')}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('cuttle serve did not write host.json within 60 s');
    }
    try {
      const running = JSON.parse(fs.readFileSync(record, 'utf8')) as { pid: number; url: string };
      if (running.pid === child.pid) baseUrl = running.url.replace(/\/$/, '');
    } catch {
      // not written yet (it is written atomically, so a file that is there is whole)
    }
    if (!baseUrl) await new Promise((r) => setTimeout(r, 100));
  }
  const pid = child.pid!;
  const samples: Sample[] = [];
  const sample = () => {
    try {
      const { user, system } = cpuTimes(pid);
      samples.push([now(), user, system, statusKb(pid, 'VmRSS')]);
    } catch {
      // the process is gone
    }
  };
  sample();
  const timer = setInterval(sample, options.sampleMs ?? 100);
  const at = (t: number, field: 1 | 2): number => {
    // linear between the samples around t
    const i = samples.findIndex((s) => s[0] >= t);
    if (i <= 0) return samples[i === 0 ? 0 : samples.length - 1]![field];
    const [t0, c0] = [samples[i - 1]![0], samples[i - 1]![field]];
    const [t1, c1] = [samples[i]![0], samples[i]![field]];
    return c0 + ((c1 - c0) * (t - t0)) / (t1 - t0);
  };
  return {
    pid,
    baseUrl,
    samples,
    cpuMsBetween: (from, to) => {
      sample();
      return { user: at(to, 1) - at(from, 1), system: at(to, 2) - at(from, 2) };
    },
    memory: () => {
      sample();
      return { hwmMb: statusKb(pid, 'VmHWM') / 1024, maxSampledRssMb: Math.max(...samples.map((s) => s[3])) / 1024 };
    },
    async stop() {
      clearInterval(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
