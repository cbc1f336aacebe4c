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

/**
 * What systemd does with $NOTIFY_SOCKET, in a few lines of Python (Node cannot receive unix datagrams):
 * reads each datagram and closes the file descriptors passed with it. systemd-notify sends BARRIER=1 with
 * a pipe and waits for systemd to close its end; socat kept it open, so every notify waited its 10 s timeout.
 */
const NOTIFY_RECEIVER = `
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
while True:
    data, fds, _, _ = socket.recv_fds(s, 65536, 16)
    for fd in fds:
        os.close(fd)
    sys.stdout.buffer.write(data + b"\\n")
    sys.stdout.flush()
`;

/** A unix datagram socket at `file`, as systemd's $NOTIFY_SOCKET: `received()` is every datagram so far, one per line. */
export function datagramListener(file: string): { received(): string; close(): void; child: ChildProcess } {
  const child = spawn('python3', ['-c', NOTIFY_RECEIVER, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return { received: () => text, close: () => child.kill(), child };
}
