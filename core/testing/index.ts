/**
 * `cuttle/testing`: a whole cuttle host in the test's own process, for testing a plugin without
 * spawning anything or reading logs. It runs the given plugin classes (as third-party plugins: the
 * same container rules, the same settings checks), simulated printers, and awaitable events:
 *
 *     const host = await startTestHost({ plugins: [MyPlugin], printers: 3 });
 *     await host.print('p2', 'cube.gcode', 'G28\nG1 X10\n');
 *     await host.nextEvent('PrintDone', { printer: 'p2' });
 *     host.plugin(MyPlugin, 'p2');   // the instance of a per-printer plugin
 *     await host.stop();
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { eventPrinter } from '../common/printer-id.js';
import type { EventName, EventPayload } from '../events/catalogue.js';
import { EventBus, type AnyFiredEvent } from '../events/event-bus.js';
import { FileManager } from '../files/file-manager.js';
import { CuttleHost } from '../host.js';
import { pluginInfo } from '../plugins/decorators.js';
import type { PrinterService } from '../printer/printer-service.js';
import { PrinterRegistry } from '../printers/printer-registry.js';
import { HttpServer } from '../http/http-server.js';

type PluginClass<T = unknown> = new (...args: never[]) => T;

export interface TestHostOptions {
  /** the plugin classes to run (each decorated with `@Plugin`) */
  plugins: readonly PluginClass[];
  /** simulated printers: a count (ids p1, p2, …) or their ids; default 1 */
  printers?: number | readonly string[];
  /** config.yaml's content besides printers (e.g. `{ plugins: { 'my-plugin': { interval: 2 } } }`) */
  config?: Record<string, unknown>;
  /** how long `nextEvent` waits by default, in ms; default 10000 */
  timeoutMs?: number;
  /** where the host's log lines (warnings and errors, as JSON lines) go; default stderr */
  logStream?: NodeJS.WritableStream;
}

/** Which events `nextEvent` takes: those of one printer, or those a predicate accepts. */
export type EventFilter<K extends EventName> = { printer?: string } | ((payload: EventPayload<K>) => boolean);

export interface TestHost {
  /** the REST API's root, e.g. http://127.0.0.1:41234 */
  readonly baseUrl: string;
  /** an admin key for the REST API (`X-Api-Key`) */
  readonly apiKey: string;
  /** the printers' ids, in configuration order */
  readonly printers: readonly string[];
  /** A printer's service (connected: the simulated printers connect at start). */
  printer(id: string): PrinterService;
  /** The running instance of a plugin class; a per-printer plugin's for `printer`. Throws when there is none. */
  plugin<T>(cls: PluginClass<T>, printer?: string): T;
  /**
   * The next `name` event (matching `filter`) after the last one this method returned, once every
   * subscriber (the plugins included) has handled it: earlier events count too, so calling it after
   * causing the event is fine. Rejects after `timeoutMs`.
   */
  nextEvent<K extends EventName>(name: K, filter?: EventFilter<K>, timeoutMs?: number): Promise<EventPayload<K>>;
  /** The same for an event the catalogue does not type, e.g. a plugin's custom `plugin_<id>_<Name>`. */
  nextEvent(name: string, filter?: { printer?: string } | ((payload: object) => boolean), timeoutMs?: number): Promise<object>;
  /** Every event fired so far, in order. */
  readonly events: readonly AnyFiredEvent[];
  /** Stores `gcode` as `name` in the local storage, selects it on `printer` and starts printing it. */
  print(printer: string, name: string, gcode: string): Promise<void>;
  /** Stops the host (the plugins' @OnShutdown run) and removes its temporary folder. */
  stop(): Promise<void>;
}

export async function startTestHost(options: TestHostOptions): Promise<TestHost> {
  const ids = typeof options.printers === 'number' || options.printers === undefined ? Array.from({ length: options.printers ?? 1 }, (_, i) => `p${i + 1}`) : [...options.printers];
  const basedir = mkdtempSync(path.join(os.tmpdir(), 'cuttle-testing-'));
  const apiKey = randomBytes(16).toString('hex');
  const config = {
    logging: { level: 'warn' },
    ...options.config,
    api: { key: apiKey },
    serial: { virtual: { speedFactor: 100, motion: false } },
    printers: ids.map((id) => ({ id, connection: { port: 'virtual', autoconnect: true } })),
  };
  writeFileSync(path.join(basedir, 'config.yaml'), JSON.stringify(config));
  let host: CuttleHost;
  try {
    host = CuttleHost.create({
      basedir,
      overrides: { 'server.port': 0, 'server.host': '127.0.0.1' },
      env: {},
      logStream: options.logStream ?? process.stderr,
      pluginClasses: options.plugins,
    });
    await host.start();
  } catch (err) {
    rmSync(basedir, { recursive: true, force: true });
    throw err;
  }
  const failed = host.plugins.list().filter((r) => r.state === 'failed' && r.source === 'in-process');
  if (failed.length > 0) {
    await host.stop();
    rmSync(basedir, { recursive: true, force: true });
    throw new Error(failed.map((r) => `plugin ${r.id} failed: ${r.error}`).join('\n'));
  }
  const registry = host.get<PrinterRegistry>(PrinterRegistry);
  const bus = host.get<EventBus>(EventBus);
  const events: AnyFiredEvent[] = [];
  const arrived = new Set<() => void>();
  bus.onAny((event) => {
    events.push(event);
    for (const wake of arrived) wake();
  });
  await Promise.all(ids.map((id) => connected(registry, id, options.timeoutMs ?? 10000)));
  let cursor = 0;

  const printer = (id: string): PrinterService => {
    const scope = registry.get(id);
    if (!scope) throw new Error(`no printer "${id}" (the host has ${registry.list().map((s) => s.id).join(', ')})`);
    return scope.printer;
  };

  return {
    get baseUrl() {
      return host.get<HttpServer>(HttpServer).baseUrl();
    },
    apiKey,
    printers: ids,
    printer,
    events,
    plugin<T>(cls: PluginClass<T>, printerId?: string): T {
      const id = pluginInfo(cls)?.id;
      if (!id) throw new Error(`${cls.name} is not decorated with @Plugin`);
      const instance = printerId === undefined ? host.plugins.instance<T>(id) : host.plugins.instancesByPrinter<T>(id).get(printerId);
      if (instance === undefined) throw new Error(`no running instance of plugin ${id}${printerId ? ` for printer ${printerId}` : ''}`);
      return instance;
    },
    async nextEvent(name: string, filter?: { printer?: string } | ((payload: never) => boolean), timeoutMs = options.timeoutMs ?? 10000): Promise<never> {
      const matches = (event: AnyFiredEvent) =>
        event.name === name &&
        (typeof filter === 'function' ? (filter as (payload: object) => boolean)(event.payload) : filter?.printer === undefined || eventPrinter(event.payload) === filter.printer);
      const found = await new Promise<AnyFiredEvent>((resolve, reject) => {
        const look = () => {
          const index = events.findIndex((event, i) => i >= cursor && matches(event));
          if (index < 0) return false;
          cursor = index + 1;
          done();
          resolve(events[index]!);
          return true;
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no ${name} event${filter && typeof filter !== 'function' ? ` of printer ${filter.printer}` : ''} within ${timeoutMs} ms (seen: ${events.slice(cursor).map((e) => e.name).join(', ') || 'none'})`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          arrived.delete(look);
        };
        if (!look()) arrived.add(look);
      });
      await bus.idle(timeoutMs);
      // the overloads above give the payload its type: the catalogue's for a catalogue event
      return found.payload as never;
    },
    async print(printerId: string, name: string, gcode: string): Promise<void> {
      const service = printer(printerId);
      const files = host.get<FileManager>(FileManager);
      await files.addFile('local', name, Readable.from([gcode]), { overwrite: true });
      await service.selectFile(await files.jobFile('local', name), true);
    },
    async stop(): Promise<void> {
      for (const scope of registry.list()) await scope.printer.disconnect().catch(() => undefined);
      await host.stop();
      rmSync(basedir, { recursive: true, force: true });
    },
  };
}

/** Resolves once the printer is connected (autoconnect at start), rejects after `timeoutMs`. */
function connected(registry: PrinterRegistry, id: string, timeoutMs: number): Promise<void> {
  const service = registry.get(id)!.printer;
  const ready = () => ['OPERATIONAL', 'PRINTING'].includes(service.snapshot().state.id);
  if (ready()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`simulated printer ${id} did not connect within ${timeoutMs} ms (${service.snapshot().state.text})`));
    }, timeoutMs);
    const subscription = service.onStateChanged(() => {
      if (!ready()) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve();
    });
  });
}
