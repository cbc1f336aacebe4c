/**
 * `npm run bench:appkeys`: a host (`cuttle serve`, its own process) flooded with unauthenticated
 * `POST /plugin/appkeys/request` by four client processes, each from its own loopback address, while
 * `GET /api/version` is timed one request at a time, idle and during the flood.
 * Last line: JSON with the answer counts and the /api/version p50/p95 (ms) idle and flooded.
 *   BENCH_REQUESTS=3000 (per client) BENCH_IN_FLIGHT=4 (per client)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { floodAppKeys, percentile } from './appkeys-flood-harness.js';

const KEY = 'BenchKey0123456789abcdefghijklmn';
const REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? 3000);
const IN_FLIGHT = Number(process.env['BENCH_IN_FLIGHT'] ?? 4);
const MAIN = path.resolve(__dirname, '../../core/cli/main.js');

async function main(): Promise<void> {
  const basedir = mkdtempSync(path.join(os.tmpdir(), 'cuttle-bench-appkeys-'));
  writeFileSync(path.join(basedir, 'config.yaml'), `api:\n  key: ${KEY}\n`);
  const host = spawn(process.execPath, [MAIN, 'serve', '--basedir', basedir, '--port', '0', '--host', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const baseUrl = await new Promise<string>((resolve, reject) => {
      let out = '';
      host.stdout.on('data', (chunk: Buffer) => {
        out += chunk;
        const match = /"url":"(http:[^"]+)"/.exec(out);
        if (match && out.includes('cuttle started')) resolve(match[1]!);
      });
      host.once('exit', (code) => reject(new Error(`host exited with ${code}`)));
    });
    const addresses = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5'];
    const result = await floodAppKeys(baseUrl, { addresses, requestsPerClient: REQUESTS, inFlight: IN_FLIGHT, samples: 200, apiKey: KEY });
    const figures = (ms: number[]) => ({ p50: +percentile(ms, 50).toFixed(2), p95: +percentile(ms, 95).toFixed(2), samples: ms.length });
    const report = { clients: addresses.length, requestsPerClient: REQUESTS, inFlight: IN_FLIGHT, statuses: result.statuses, versionIdleMs: figures(result.idleMs), versionFloodedMs: figures(result.floodMs) };
    console.log(`/api/version idle p50 ${report.versionIdleMs.p50} ms, flooded p50 ${report.versionFloodedMs.p50} ms; answers ${JSON.stringify(result.statuses)}`);
    console.log(JSON.stringify(report));
  } finally {
    host.kill('SIGTERM');
    await new Promise((resolve) => host.once('exit', resolve));
    rmSync(basedir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
