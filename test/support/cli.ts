/**
 * Running the `cuttle` command from a test, two ways with one answer shape ({ code, stdout, stderr }):
 * - `cli(args, stdin?)` spawns `node dist/core/cli/main.js …`: for what only a real process shows
 *   (exit codes as the shell sees them, signals, stdin, what a second process finds in host.json);
 * - `cliInProcess(args)` calls the same dispatcher (core/cli/cli.ts) in this process, capturing what it
 *   prints: for argument parsing, usage and the command's own logic, at a fraction of a spawn's cost
 *   (a spawn loads the whole host, ~0.4 s of CPU). Calls are run one at a time, since the capture
 *   replaces console.log/console.error while a command runs.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { format } from 'node:util';
import { runCli } from '../../core/cli/cli.js';

export const CLI_MAIN = path.resolve(__dirname, '../../core/cli/main.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `cuttle …` as its own process and resolves with its exit code and output. */
export function cli(args: readonly string[], stdin?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_MAIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

let queue: Promise<unknown> = Promise.resolve();

/** Runs `cuttle …` inside this process (no stdin) and resolves with its exit code and what it printed. */
export function cliInProcess(args: readonly string[]): Promise<CliResult> {
  const run = queue.then(async () => {
    let stdout = '';
    let stderr = '';
    const { log, error } = console;
    console.log = (...parts: unknown[]) => void (stdout += `${format(...parts)}\n`);
    console.error = (...parts: unknown[]) => void (stderr += `${format(...parts)}\n`);
    try {
      return { code: await runCli(args), stdout, stderr };
    } finally {
      console.log = log;
      console.error = error;
    }
  });
  queue = run.catch(() => undefined);
  return run;
}
