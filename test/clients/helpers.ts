/** Shared helpers for the client-compatibility tests: JSON requests and running the CLI. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { api } from '../api/support.js';
import type { TestHost } from '../support/host.js';

export const CLI = path.resolve(__dirname, '../../core/cli/main.js');

export interface Reply {
  status: number;
  body: any;
  headers: Headers;
}

/** A JSON request as the given key (none when absent), through the REST tests' helper. */
export async function request(baseUrl: string, method: string, url: string, options: { key?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Reply> {
  const r = await api({ baseUrl, apiKey: '' } as TestHost)(method, url, { key: options.key ?? null, body: options.body, headers: options.headers });
  return { status: r.status, body: r.json, headers: r.headers };
}

/** Runs `cuttle …` and resolves with its exit code and output. */
export function cli(args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

export function lastLine(text: string): string {
  return text.trim().split('\n').pop()!.trim();
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
