/**
 * Test host for the REST API and file tests: the lead's startTestHost, plus the REST areas module
 * and the PluginHost binding when core/container.ts / core/host.ts do not load them (yet), and
 * helpers for authenticated requests and multipart bodies.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { PluginHost } from '../../core/plugins/plugin-host.js';
import { startTestHost, type TestHost, type TestHostOptions } from '../support/host.js';
import { keyHeaders } from '../support/http.js';

export async function startApiHost(options: TestHostOptions = {}): Promise<TestHost> {
  const t = await startTestHost({ ...options, noStart: true });
  const container = t.host.container;
  if (!container.isBound(PluginHost)) container.bind(PluginHost).toConstantValue(t.host.plugins);
  if (!options.noStart) await t.host.start();
  return t;
}

export interface Api {
  (method: string, path: string, options?: { body?: unknown; key?: string | null; headers?: Record<string, string> }): Promise<{
    status: number;
    json: any;
    headers: Headers;
  }>;
}

export function api(t: TestHost): Api {
  return async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    const key = options.key === undefined ? t.apiKey : options.key;
    if (key !== null) Object.assign(headers, keyHeaders(key));
    let body: RequestInit['body'];
    if (options.body instanceof FormData) body = options.body;
    else if (options.body instanceof Uint8Array || typeof options.body === 'string') body = options.body as RequestInit['body'];
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['Content-Type'] = 'application/json';
    }
    return replyOf(await fetch(t.baseUrl + path, { method, headers, body }));
  };
}

/** A response's status, headers and body: parsed when JSON, the text otherwise (a download). */
export async function replyOf(res: Response): Promise<{ status: number; json: any; headers: Headers }> {
  const text = await res.text();
  let json: unknown = text;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, json, headers: res.headers };
}

/** A multipart body built by hand, byte for byte, as a given client sends it. */
export function multipart(boundary: string, parts: { name: string; value: string | Buffer; filename?: string; type?: string }[]): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"`;
    if (part.filename !== undefined) head += `; filename="${part.filename}"`;
    head += '\r\n';
    if (part.type) head += `Content-Type: ${part.type}\r\n`;
    chunks.push(Buffer.from(head + '\r\n'), Buffer.isBuffer(part.value) ? part.value : Buffer.from(part.value), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

export function uploadForm(name: string, content: string, fields: Record<string, string> = {}): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([content]), name);
  return form;
}

export const SMALL_GCODE = ['G21', 'G90', 'M82', 'G28', 'G1 Z0.2 F600', 'G1 X10 Y0 E1 F1200', 'G1 X10 Y10 E2', 'G1 X0 Y10 E3', 'G1 X0 Y0 E4', ''].join('\n');

/** A host running as its own process (`cuttle serve`), as a user starts it. */
export interface HostProcess {
  child: import('node:child_process').ChildProcess;
  baseUrl: string;
  /** everything it printed so far */
  output(): string;
  /** SIGTERM (or the given signal) and wait for the exit */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export const CLI_MAIN = path.resolve(__dirname, '../../core/cli/main.js');

/** Starts `cuttle serve --basedir <basedir>` on a free port and resolves once it answers. */
export async function spawnHost(basedir: string, args: string[] = []): Promise<HostProcess> {
  const child = spawn(process.execPath, [CLI_MAIN, 'serve', '--basedir', basedir, '--port', '0', '--host', '127.0.0.1', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL'); // leave no host behind
      reject(new Error(`host did not start:\n${out}`));
    }, 30000);
    const check = () => {
      const match = /"url":"(http:[^"]+)"/.exec(out);
      if (match && out.includes('cuttle started')) {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => reject(new Error(`host exited with ${code}:\n${out}`)));
  });
  return {
    child,
    baseUrl,
    output: () => out,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

