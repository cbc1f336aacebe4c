/** Shared helpers for the client-compatibility tests: JSON requests (the CLI: support/cli.ts). */
import { api } from '../api/support.js';
import type { TestHost } from '../support/host.js';


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

/** `cuttle …` as its own process: support/cli.ts (with cliInProcess, the same in this process). */
export { cli } from '../support/cli.js';

export function lastLine(text: string): string {
  return text.trim().split('\n').pop()!.trim();
}

