/** Helpers of the service tests: a program a test needs, and a unix datagram socket that records what it receives. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

/**
 * Skips the test (outside CI) or fails it (in CI, where the program must be installed) when
 * `program` cannot be run.
 */
export function requireProgram(context: Mocha.Context, program: string, probe: string[] = ['--version']): void {
  const result = spawnSync(program, probe, { stdio: 'ignore', timeout: 20_000 });
  if (!result.error) return;
  if (process.env['CI']) throw new Error(`${program} is needed by this test and could not be run: ${result.error.message}`);
  context.skip();
}

/** A unix datagram socket at `file` (socat), as systemd's $NOTIFY_SOCKET: `received()` is every datagram so far, concatenated. */
export function datagramListener(file: string): { received(): string; close(): void; child: ChildProcess } {
  const child = spawn('socat', ['-u', `UNIX-RECV:${file}`, 'STDOUT'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return { received: () => text, close: () => child.kill(), child };
}
