/**
 * The simulated printer in its own process, as the benchmarks use it: `cuttle virtual-printer` on a
 * socat pty at the given baud rate (bytes paced), motion off. Resolves once it says it is ready.
 * Or N of them in one process on TCP ports (`startTcpSimulatorProcess`), as behind ser2net. With
 * `cpus` (a taskset CPU list) the process runs on those CPUs only.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

const CLI = path.resolve(__dirname, '../../core/cli/main.js');

export interface SimulatorProcess {
  readonly pid: number;
  /** the device path for the host */
  link: string;
  /** stops it (SIGTERM: it writes its record files on the way out) */
  stop(): Promise<void>;
}

export async function startSimulatorProcess(dir: string, baudrate: number, extraArgs: string[] = [], cpus?: string): Promise<SimulatorProcess> {
  const link = path.join(dir, 'printer');
  const args = ['--link', link, '--baudrate', String(baudrate), '--no-motion', '--sd-folder', path.join(dir, 'sd'), ...extraArgs];
  return { ...(await spawnSimulator(args, 1, cpus)), link };
}

/** N simulated printers in one process (`--printers N --tcp PORT`), the host connects to `addresses`. */
export interface TcpSimulatorProcess {
  readonly pid: number;
  /** tcp://127.0.0.1:PORT … PORT+N-1 */
  readonly addresses: string[];
  stop(): Promise<void>;
}

/** `count` printers on TCP ports from `port`, in one process; each `--record`s to `<dir>/record-<n>.jsonl` (`record.jsonl` when alone). */
export async function startTcpSimulatorProcess(dir: string, baudrate: number, count: number, port: number, extraArgs: string[] = [], cpus?: string): Promise<TcpSimulatorProcess> {
  const args = ['--printers', String(count), '--tcp', String(port), '--baudrate', String(baudrate), '--no-motion', '--sd-folder', path.join(dir, 'sd'), '--record', path.join(dir, 'record.jsonl'), ...extraArgs];
  const child = await spawnSimulator(args, count, cpus);
  return { ...child, addresses: Array.from({ length: count }, (_, i) => `tcp://127.0.0.1:${port + i}`) };
}

async function spawnSimulator(cliArgs: string[], printers: number, cpus?: string): Promise<Omit<SimulatorProcess, 'link'>> {
  const args = [CLI, 'virtual-printer', ...cliArgs];
  // taskset execs node in its own place: the child's pid is the simulator's, and SIGTERM reaches it
  const child = cpus ? spawn('taskset', ['-c', cpus, process.execPath, ...args], { stdio: ['ignore', 'pipe', 'inherit'] }) : spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    let ready = 0;
    child.once('exit', (code) => reject(new Error(`virtual-printer exited with ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      ready += chunk.toString().split('ready on').length - 1;
      if (ready >= printers) resolve();
    });
  });
  return {
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.removeAllListeners('exit');
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
