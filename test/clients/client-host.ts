/**
 * A host for the client tests. `full: true` is the whole test host (test/support/host.ts); the
 * default starts only the web server and core/auth in a container of their own, so the auth tests
 * do not depend on services still being written by others.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Container } from 'inversify';
import { authModule } from '../../core/auth/module.js';
import { LifecycleContribution } from '../../core/common/lifecycle.js';
import { createLogger, Logger } from '../../core/logging/logger.js';
import { serverModule } from '../../core/server/module.js';
import { HttpServer } from '../../core/server/http-server.js';
import { ConvictSettings } from '../../core/settings/settings-impl.js';
import { SettingsService } from '../../core/settings/settings-service.js';
import { captureLogs, startTestHost, TEST_API_KEY, writeConfig, type LogLine } from '../support/host.js';

export interface ClientHost {
  basedir: string;
  baseUrl: string;
  apiKey: string;
  logs: LogLine[];
  get<T>(token: symbol): T;
  stop(): Promise<void>;
}

export async function startClientHost(options: { full?: boolean; config?: Record<string, unknown> } = {}): Promise<ClientHost> {
  if (options.full) return startTestHost({ config: options.config });
  const basedir = mkdtempSync(path.join(os.tmpdir(), 'cuttle-clients-'));
  writeConfig(basedir, { api: { key: TEST_API_KEY }, logging: { level: 'debug' }, ...options.config });
  const settings = new ConvictSettings({ basedir, overrides: { 'server.port': 0, 'server.host': '127.0.0.1' }, env: {} });
  const { stream, logs } = captureLogs();
  const container = new Container({ defaultScope: 'Singleton' });
  container.bind(SettingsService).toConstantValue(settings);
  container.bind(Logger).toConstantValue(createLogger({ level: 'debug', stream }));
  container.load(serverModule, authModule);
  const services = container.getAll<LifecycleContribution>(LifecycleContribution);
  for (const s of services) await s.start?.();
  const http = container.get<HttpServer>(HttpServer);
  return {
    basedir,
    baseUrl: http.baseUrl(),
    apiKey: TEST_API_KEY,
    logs,
    get: <T>(token: symbol) => container.get<T>(token),
    async stop() {
      for (const s of [...services].reverse()) await s.stop?.();
      rmSync(basedir, { recursive: true, force: true });
    },
  };
}
