/**
 * Where a timelapse frame comes from: an HTTP snapshot URL (one JPEG per GET, as mjpg-streamer and
 * ustreamer serve) or a capture program given as argv (no shell) that prints a JPEG or writes `{file}`.
 * Every capture is bounded by a timeout and checked to be a JPEG before it counts.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';

export type FrameSource = { kind: 'url'; url: string } | { kind: 'command'; argv: string[] };

export function isJpeg(data: Buffer): boolean {
  return data.length > 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff;
}

/** Captures one frame into `file`; rejects with a message that fits CaptureFailed's `error`. */
export async function captureFrame(source: FrameSource, file: string, timeoutMs: number): Promise<void> {
  const data = source.kind === 'url' ? await fetchSnapshot(source.url, timeoutMs) : await runCommand(source.argv, file, timeoutMs);
  if (data === null) return;
  if (!isJpeg(data)) throw new Error(`not an image: the snapshot (${data.length} bytes) is not a JPEG`);
  await fs.writeFile(file, data);
}

async function fetchSnapshot(url: string, timeoutMs: number): Promise<Buffer> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    if ((err as Error).name === 'TimeoutError') throw new Error(`timeout: no snapshot from ${url} within ${timeoutMs} ms`);
    throw new Error(`camera unreachable at ${url}: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
  }
  if (!response.ok) throw new Error(`camera answered HTTP ${response.status} at ${url}`);
  return Buffer.from(await response.arrayBuffer());
}

/** Runs the capture program; returns its stdout, or null when it wrote `{file}` itself (checked here). */
function runCommand(argv: string[], file: string, timeoutMs: number): Promise<Buffer | null> {
  const writesFile = argv.some((arg) => arg.includes('{file}'));
  const [program, ...args] = argv.map((arg) => arg.split('{file}').join(file));
  if (!program) return Promise.reject(new Error('webcam.snapshotCommand is empty'));
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timeout: ${program} took longer than ${timeoutMs} ms`));
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (err = (err + chunk.toString()).slice(-1000)));
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`could not run ${program}: ${e.message}`));
    });
    child.once('close', async (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`${program} exited with ${code}: ${err.trim()}`));
      if (!writesFile) return resolve(Buffer.concat(out));
      const written = await fs.readFile(file).catch(() => null);
      if (!written) return reject(new Error(`${program} did not write the frame`));
      if (!isJpeg(written)) return reject(new Error(`not an image: ${program} wrote no JPEG`));
      resolve(null);
    });
  });
}
