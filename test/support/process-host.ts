/**
 * A host as its own process (`cuttle serve`), for what only a real process shows: SIGTERM and
 * SIGKILL, then a restart on the same basedir. Waits until it listens and answers with its URL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { TEST_API_KEY } from './host.js';

const CLI = path.resolve(__dirname, '../../core/cli/main.js');

export interface ProcessHost {
  child: ChildProcess;
  baseUrl: string;
  /** everything the process wrote so far */
  output(): string;
  /** Sends the signal and resolves with the exit code (null after a kill by signal). */
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

export async function spawnHost(basedir: string, args: string[] = [], timeoutMs = 20000): Promise<ProcessHost> {
  const child = spawn(process.execPath, [CLI, 'serve', '--basedir', basedir, '--host', '127.0.0.1', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`host did not listen within ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const poll = setInterval(() => {
      const m = /"url":"(http:\/\/[^"]+)","msg":"listening"/.exec(out);
      if (m) done(null, m[1]);
    }, 20);
    void exited.then((code) => done(new Error(`host exited (${code}) before listening:\n${out}`)));
    let settled = false;
    function done(err: Error | null, url?: string) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(poll);
      if (err) {
        child.kill('SIGKILL');
        reject(err);
      } else resolve(url!);
    }
  });
  // ready once the plugins are up as well: /readyz answers 200
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ready = await fetch(`${baseUrl}/readyz`).then((r) => r.status, () => 0);
    if (ready === 200) break;
    if (Date.now() > deadline) throw new Error(`host not ready within ${timeoutMs} ms:\n${out}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    child,
    baseUrl,
    output: () => out,
    kill(signal) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill(signal);
      return exited;
    },
  };
}

/** Uploads a small G-code file to local storage (which fires Upload, FileAdded, UpdatedFiles, …). */
export async function upload(baseUrl: string, name: string, content = 'G28\nG1 X10 Y10\n'): Promise<void> {
  const form = new FormData();
  form.append('file', new Blob([content]), name);
  const res = await fetch(`${baseUrl}/api/files/local`, { method: 'POST', headers: { 'X-Api-Key': TEST_API_KEY }, body: form });
  if (res.status !== 201) throw new Error(`upload of ${name} answered ${res.status}: ${await res.text()}`);
}
