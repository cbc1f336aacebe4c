/**
 * Starts a whole host for a test: a fresh basedir with the given config.yaml, port 0, a known API
 * key, logs captured in memory (`logs`, parsed pino lines) instead of stdout.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import YAML from 'yaml';
import { CuttleHost } from '../../core/host.js';
import { HttpServer } from '../../core/http/http-server.js';
import { ConfigError } from '../../core/settings/settings-service.js';

export const TEST_API_KEY = 'TestKey0123456789abcdefghijklmno';

export interface TestHostOptions {
  /** written to config.yaml (merged over the test defaults) */
  config?: Record<string, unknown>;
  /** instead of `config`: config.yaml's text as is (comments included) after the test key */
  configText?: string;
  /** dotted overrides applied over the file */
  overrides?: Record<string, unknown>;
  /** do not call start() */
  noStart?: boolean;
  /** log as configured (logging.file), not into `logs`, which stays empty */
  logToFile?: boolean;
}

export interface LogLine {
  level: number;
  msg: string;
  plugin?: string;
  [key: string]: unknown;
}

export interface TestHost {
  host: CuttleHost;
  basedir: string;
  baseUrl: string;
  apiKey: string;
  logs: LogLine[];
  get<T>(token: symbol): T;
  stop(): Promise<void>;
}

export function captureLogs(): { stream: Writable; logs: LogLine[] } {
  const logs: LogLine[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split('\n')) if (line.trim()) logs.push(JSON.parse(line) as LogLine);
      callback();
    },
  });
  return { stream, logs };
}

export function writeConfig(basedir: string, config: Record<string, unknown>): string {
  const file = path.join(basedir, 'config.yaml');
  writeFileSync(file, YAML.stringify(config));
  return file;
}

export async function startTestHost(options: TestHostOptions = {}): Promise<TestHost> {
  const basedir = mkdtempSync(path.join(os.tmpdir(), 'cuttle-test-'));
  // Timelapse renders run at nice 19 in production, so that a print keeps the CPU. The suite runs in
  // parallel workers whose simulators spin at nice 0, and on two cores a nice-19 ffmpeg then starved
  // for over 45 s; a test of the render renders at normal priority (a test may still set its own).
  // Likewise a snapshot from the test-pattern camera (an ffmpeg spawned per frame) may take 30 s, not
  // production's 5: under five workers a capture timed out, the movie lost its frames and never came.
  const config = mergeDeep({ api: { key: TEST_API_KEY }, logging: { level: 'debug' }, timelapse: { nice: 0 }, webcam: { snapshotTimeoutMs: 30000 } }, options.config ?? {});
  if (options.configText === undefined) writeConfig(basedir, config);
  else writeFileSync(path.join(basedir, 'config.yaml'), `api:\n  key: ${TEST_API_KEY}\n${options.configText}`);
  const { stream, logs } = captureLogs();
  let host: CuttleHost;
  try {
    host = CuttleHost.create({
      basedir,
      overrides: { 'server.port': 0, 'server.host': '127.0.0.1', ...options.overrides },
      env: {},
      logStream: options.logToFile ? undefined : stream,
    });
    if (!options.noStart) await host.start();
  } catch (err) {
    // a configuration a test meant to be refused must not leave its basedir behind
    rmSync(basedir, { recursive: true, force: true });
    throw err;
  }
  const http = host.get<HttpServer>(HttpServer);
  return {
    host,
    basedir,
    get baseUrl() {
      return http.baseUrl();
    },
    apiKey: TEST_API_KEY,
    logs,
    get: <T>(token: symbol) => host.get<T>(token),
    async stop() {
      await host.stop();
      rmSync(basedir, { recursive: true, force: true });
    },
  };
}

/** Starts a host with `config` that must be refused at start; resolves with its ConfigError. */
export async function refusedStart(config: Record<string, unknown>): Promise<ConfigError> {
  let started: TestHost;
  try {
    started = await startTestHost({ config });
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  await started.stop();
  throw new Error('the host started, but its configuration should have been refused');
}

function mergeDeep(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && prev && typeof prev === 'object' && !Array.isArray(prev)
        ? mergeDeep(prev as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}
