/**
 * Runs one program without a shell, collecting exit code, stdout and stderr. It gets its own process
 * group, so that at its timeout (or when the host stops) the whole group is killed: SIGTERM, then
 * SIGKILL if still there after a grace period, including anything it started. Shared by the
 * `system` event-hook type and `/api/system/commands`.
 */
import { spawn } from 'node:child_process';

export interface ProcessResult {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** set when the program could not be started at all */
  error?: string;
}

export interface ProcessOptions {
  /** ms; 0 for none */
  timeout: number;
  signal: AbortSignal;
  /** SIGKILL this long after SIGTERM */
  killGrace?: number;
}

/** Output kept per stream; the rest is dropped (a chatty command must not fill memory). */
const OUTPUT_LIMIT = 64 * 1024;

export function runProcess(argv: readonly string[], options: ProcessOptions): Promise<ProcessResult> {
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn(argv[0]!, argv.slice(1), { shell: false, detached: true, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    } catch (err) {
      resolve({ exitCode: null, signal: null, stdout: '', stderr: '', timedOut: false, error: (err as Error).message });
      return;
    }
    const out = { stdout: '', stderr: '' };
    const collect = (key: 'stdout' | 'stderr') => (chunk: Buffer) => {
      if (out[key].length < OUTPUT_LIMIT) out[key] += chunk.toString('utf8').slice(0, OUTPUT_LIMIT - out[key].length);
    };
    child.stdout!.on('data', collect('stdout'));
    child.stderr!.on('data', collect('stderr'));
    let timedOut = false;
    let settled = false;
    const timers: NodeJS.Timeout[] = [];
    const killGroup = (sig: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, sig);
      } catch {
        // already gone
      }
    };
    const stop = () => {
      killGroup('SIGTERM');
      timers.push(setTimeout(() => killGroup('SIGKILL'), options.killGrace ?? 2000));
    };
    const onAbort = () => stop();
    const finish = (result: Omit<ProcessResult, 'stdout' | 'stderr' | 'timedOut'>) => {
      if (settled) return;
      settled = true;
      timers.forEach(clearTimeout);
      options.signal.removeEventListener('abort', onAbort);
      child.stdout!.destroy();
      child.stderr!.destroy();
      resolve({ ...result, ...out, timedOut });
    };
    if (options.timeout > 0) {
      timers.push(
        setTimeout(() => {
          timedOut = true;
          stop();
        }, options.timeout),
      );
    }
    if (options.signal.aborted) stop();
    else options.signal.addEventListener('abort', onAbort, { once: true });
    child.on('error', (err) => finish({ exitCode: null, signal: null, error: err.message }));
    child.on('close', (exitCode, signal) => finish({ exitCode, signal }));
    // a program that leaves a background child holding stdout open: report it once it has exited
    child.on('exit', (exitCode, signal) => {
      timers.push(setTimeout(() => finish({ exitCode, signal }), 500));
    });
  });
}
