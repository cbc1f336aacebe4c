/**
 * The simulated printer in its own process, as the benchmarks use it: `cuttle virtual-printer` on a
 * socat pty at the given baud rate (bytes paced), motion off. Resolves once it says it is ready.
 * With `cpus` (a taskset CPU list) the process runs on those CPUs only.
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
  const args = [CLI, 'virtual-printer', '--link', link, '--baudrate', String(baudrate), '--no-motion', '--sd-folder', path.join(dir, 'sd'), ...extraArgs];
  // taskset execs node in its own place: the child's pid is the simulator's, and SIGTERM reaches it
  const child = cpus ? spawn('taskset', ['-c', cpus, process.execPath, ...args], { stdio: ['ignore', 'pipe', 'inherit'] }) : spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`virtual-printer exited with ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready on') && resolve());
  });
  return {
    pid: child.pid!,
    link,
    stop: () =>
      new Promise<void>((resolve) => {
        child.removeAllListeners('exit');
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
