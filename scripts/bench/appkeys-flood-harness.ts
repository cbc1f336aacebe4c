/**
 * The application-key request flood, shared by its test (test/api/appkeys-flood.test.ts) and its
 * benchmark (scripts/bench/appkeys-flood.ts): client processes, each from its own loopback address,
 * send unauthenticated `POST /plugin/appkeys/request` as fast as the host answers, while this process
 * times `GET /api/version` one request at a time: first on the idle host, then during the flood.
 * Run as a script, this file is one flood client: `node appkeys-flood-harness.js URL ADDRESS COUNT IN_FLIGHT`.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface FloodOptions {
  /** one client process per address (127.0.0.0/8 is all loopback on Linux) */
  addresses: string[];
  requestsPerClient: number;
  /** requests each client keeps in flight */
  inFlight: number;
  /** `/api/version` samples on the idle host (during the flood: as many as fit before a client ends) */
  samples: number;
  apiKey: string;
}

export interface FloodResult {
  /** status → count, over all clients */
  statuses: Record<string, number>;
  /** address → requests accepted (201) */
  createdByAddress: Record<string, number>;
  /** ms per `/api/version`, idle host */
  idleMs: number[];
  /** ms per `/api/version` while the clients flooded */
  floodMs: number[];
}

interface ClientReport {
  address: string;
  statuses: Record<string, number>;
}

function request(url: URL, options: http.RequestOptions, body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, options, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** One client: `count` requests, `inFlight` at a time; prints "started" at its first answer, then its report as JSON. */
async function runClient(baseUrl: string, address: string, count: number, inFlight: number): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: inFlight, localAddress: address });
  const url = new URL('/plugin/appkeys/request', baseUrl);
  const statuses: Record<string, number> = {};
  let sent = 0;
  let started = false;
  const loop = async () => {
    while (sent < count) {
      sent++;
      const body = JSON.stringify({ app: `Flood ${address} ${sent}` });
      const status = await request(url, { method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, body).catch(() => 0);
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (!started) {
        started = true;
        process.stdout.write('started\n');
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, loop));
  agent.destroy();
  process.stdout.write(`${JSON.stringify({ address, statuses } satisfies ClientReport)}\n`);
}

/** Times sequential `GET /api/version` (keep-alive, one at a time) for as long as `more` says. */
async function timeVersion(baseUrl: string, apiKey: string, more: (taken: number) => boolean): Promise<number[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL('/api/version', baseUrl);
  const times: number[] = [];
  while (more(times.length)) {
    const start = performance.now();
    const status = await request(url, { agent, headers: { 'X-Api-Key': apiKey } });
    if (status !== 200) throw new Error(`/api/version answered ${status}`);
    times.push(performance.now() - start);
  }
  agent.destroy();
  return times;
}

export async function floodAppKeys(baseUrl: string, options: FloodOptions): Promise<FloodResult> {
  await timeVersion(baseUrl, options.apiKey, (n) => n < 20); // warm-up: connections, JIT
  const idleMs = await timeVersion(baseUrl, options.apiKey, (n) => n < options.samples);
  const reports: ClientReport[] = [];
  let startedClients = 0;
  let finishedClients = 0;
  let allStarted!: () => void;
  const started = new Promise<void>((resolve) => (allStarted = resolve));
  const clients = options.addresses.map(
    (address) =>
      new Promise<void>((resolve, reject) => {
        const child = spawn(process.execPath, [__filename, baseUrl, address, String(options.requestsPerClient), String(options.inFlight)], { stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        let counted = false;
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk;
          if (!counted && out.startsWith('started\n')) {
            counted = true;
            if (++startedClients === options.addresses.length) allStarted();
          }
        });
        child.on('error', reject);
        child.on('exit', (code) => {
          finishedClients++;
          const last = out.trim().split('\n').pop() ?? '';
          if (code !== 0 || !last.startsWith('{')) return reject(new Error(`flood client ${address} exited with ${code}: ${out}`));
          reports.push(JSON.parse(last) as ClientReport);
          resolve();
        });
      }),
  );
  await Promise.race([started, Promise.all(clients)]);
  // only while every client still floods
  const floodMs = await timeVersion(baseUrl, options.apiKey, () => finishedClients === 0);
  await Promise.all(clients);
  const statuses: Record<string, number> = {};
  const createdByAddress: Record<string, number> = {};
  for (const report of reports) {
    for (const [status, n] of Object.entries(report.statuses)) statuses[status] = (statuses[status] ?? 0) + n;
    createdByAddress[report.address] = report.statuses['201'] ?? 0;
  }
  return { statuses, createdByAddress, idleMs, floodMs };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

if (require.main === module) {
  const [baseUrl, address, count, inFlight] = process.argv.slice(2);
  runClient(baseUrl!, address!, Number(count), Number(inFlight)).catch((err: unknown) => {
    process.stderr.write(`${String(err)}\n`);
    process.exit(1);
  });
}
