/**
 * Loads plugins and wires their decorated members: `@OnEvent` → EventBus subscriptions owned by the
 * plugin id, `@Hook` → HookRegistry, `@Cron` → node-cron tasks, `@OnStartup`/`@OnShutdown` → the
 * host's lifecycle. Each plugin is built in a container of its own that holds only the tokens it may
 * inject (plugin-container.ts). A `scope: 'printer'` plugin gets one instance per printer, built with
 * that printer's services, seeing only its printer's events, and shut down when the printer is removed.
 * Every step is isolated: a plugin that fails to load, construct or start is recorded and logged with
 * its id and reason, and the host carries on.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Container } from 'inversify';
import { schedule, validate, type ScheduledTask } from 'node-cron';
import { Disposable, DisposableStore } from '../common/disposable.js';
import { runAsOwner, type ListenerOwner } from '../common/listener-owner.js';
import { eventPrinter } from '../common/printer-id.js';
import { customEventName, type EventName } from '../events/catalogue.js';
import { EventBus } from '../events/event-bus.js';
import type { EventDemand } from '../events/event-dependents.js';
import { HookRegistry, type HookHandler, type HookPointName } from '../hooks/hook-points.js';
import { errorInfo, type Logger } from '../logging/logger.js';
import { PrinterRegistry, type PrinterScope } from '../printers/printer-registry.js';
import { ConfigError, SettingsService } from '../settings/settings-service.js';
import { ContributionPoint, contributionKinds, PluginInfoReader } from './contributions.js';
import { pluginInfo, pluginMembers, type PluginMember } from './decorators.js';
import type { PluginInfo, PluginSettingsSchema } from './plugin-info.js';
import type { DiscoveryProblem, PluginCandidate, PluginOrigin } from './discovery.js';
import { PluginContext } from './plugin-context.js';
import { checkInjections, grantedTokens, PluginInjectables, pluginContainer, scopeHint, type PluginInjectable } from './plugin-container.js';
import { ValidatedPluginSettings } from './plugin-settings.js';
import { makeDirectorySync } from '../common/make-directory.js';

export type PluginState = 'loaded' | 'disabled' | 'failed';

export interface PluginRecord {
  id: string;
  name: string;
  version: string;
  description: string;
  origin: PluginOrigin;
  source: string;
  state: PluginState;
  error?: string;
}

type Method = (...args: unknown[]) => unknown;
type PluginClass = new (...args: never[]) => unknown;

/** One constructed instance: the plugin's only one, or its instance for one printer. */
interface LoadedPlugin {
  record: PluginRecord;
  info: PluginInfo;
  instance: Record<string, unknown>;
  members: readonly PluginMember[];
  context: PluginContext;
  /** every call into the plugin runs as this owner, so its subscriptions to service signals are its own */
  owner: ListenerOwner;
  /** the printer of a `scope: 'printer'` instance */
  printer?: PrinterScope;
  crons: ScheduledTask[];
}

export class PluginHost {
  private readonly records: PluginRecord[] = [];
  private readonly loaded: LoadedPlugin[] = [];
  private readonly badSettings: ConfigError[] = [];
  /** per-printer plugins' registry watches: an instance for each printer, now and later */
  private readonly printerWatches = new DisposableStore();
  /** shutdowns of the instances of removed printers, still running */
  private readonly retiring = new Set<Promise<void>>();
  private running = false;
  private graceMs = 5000;
  /** each loaded plugin's info and folder, for the PluginInfoReaders when it starts */
  private readonly infos: { record: PluginRecord; info: PluginInfo; folder: string }[] = [];
  /** what the readers applied for each running plugin, by its id */
  private readonly applied = new Map<string, Disposable>();

  constructor(
    private readonly container: Container,
    private readonly logger: Logger,
  ) {}

  list(): readonly PluginRecord[] {
    return this.records;
  }

  /** Instantiated plugin objects by id (for tests and tooling); a per-printer plugin's first one. */
  instance<T = unknown>(id: string): T | undefined {
    return this.instances<T>(id)[0];
  }

  /** A per-printer plugin's instances by printer id (a plugin of the host's scope: none). */
  instancesByPrinter<T = unknown>(id: string): Map<string, T> {
    return new Map(this.loaded.filter((p) => p.info.id === id && p.printer).map((p) => [p.printer!.id, p.instance as T]));
  }

  instances<T = unknown>(id: string): T[] {
    return this.loaded.filter((p) => p.info.id === id).map((p) => p.instance as T);
  }

  /** A running plugin's settings and their schema (every instance of a per-printer plugin shares `plugins.<id>`). */
  settingsOf(id: string): { schema: PluginSettingsSchema; settings: PluginContext['settings'] } | undefined {
    const plugin = this.loaded.find((p) => p.info.id === id);
    return plugin && { schema: plugin.info.settings ?? {}, settings: plugin.context.settings };
  }

  /** The catalogue events the loaded plugins' `@OnEvent` members need. */
  eventDemands(): EventDemand[] {
    return this.loaded.flatMap((plugin) =>
      plugin.members.flatMap((m) => (m.kind === 'event' ? [{ dependent: `plugin ${plugin.info.id} (@OnEvent on ${m.method})`, event: m.event }] : [])),
    );
  }

  /** Plugins whose `plugins.<id>` settings did not fit their schema: the host refuses to start. */
  settingsErrors(): readonly ConfigError[] {
    return this.badSettings;
  }

  reportProblems(problems: readonly DiscoveryProblem[], origin: PluginOrigin): void {
    for (const problem of problems) this.fail({ origin, source: problem.source, entry: problem.source }, problem.reason);
  }

  load(candidates: readonly PluginCandidate[], disabled: readonly string[]): void {
    for (const candidate of candidates) {
      let exported: unknown;
      try {
        exported = require(candidate.entry);
      } catch (err) {
        this.fail(candidate, `cannot be loaded: ${(err as Error)?.message ?? String(err)}`, err);
        continue;
      }
      const classes = pluginClasses(exported);
      if (classes.length === 0) {
        this.fail(candidate, 'exports no class decorated with @Plugin');
        continue;
      }
      for (const cls of classes) this.instantiate(candidate, cls, disabled);
    }
  }

  /** Loads plugin classes given in-process (cuttle/testing), as if found in plugins.paths at `source`. */
  loadClasses(classes: readonly PluginClass[], source: string, disabled: readonly string[]): void {
    for (const cls of classes) {
      const candidate: PluginCandidate = { origin: 'path', source, entry: source, folder: process.cwd() };
      if (pluginInfo(cls)) this.instantiate(candidate, cls, disabled);
      else this.fail(candidate, `${cls.name} is not decorated with @Plugin`);
    }
  }

  /** OnStartup methods in load order, then cron schedules; a printer added later starts its instances at once. */
  async start(graceMs?: number): Promise<void> {
    if (graceMs !== undefined) this.graceMs = graceMs;
    for (const plugin of [...this.loaded]) await this.startInstance(plugin);
    for (const plugin of this.loaded) this.scheduleCrons(plugin);
    this.applyInfo();
    this.running = true;
  }

  /** Stops crons, runs OnShutdown methods (each bounded by graceMs), disposes subscriptions. */
  async stop(graceMs: number): Promise<void> {
    this.running = false;
    this.withdrawInfo();
    for (const plugin of this.loaded) await stopCrons(plugin);
    for (const plugin of [...this.loaded].reverse()) await this.shutdown(plugin, graceMs);
    this.loaded.splice(0);
    this.printerWatches.dispose();
    await Promise.all(this.retiring);
  }

  /** Drops the constructed plugins' subscriptions without running anything of theirs (a refused start). */
  unload(): void {
    this.withdrawInfo();
    for (const plugin of this.loaded.splice(0).reverse()) plugin.context.subscriptions.dispose();
    this.printerWatches.dispose();
  }

  private async startInstance(plugin: LoadedPlugin): Promise<void> {
    for (const m of plugin.members) {
      if (m.kind !== 'startup' || !this.loaded.includes(plugin)) continue;
      try {
        await this.call(plugin, m.method);
      } catch (err) {
        this.markFailed(plugin, `@OnStartup ${m.method} failed: ${(err as Error)?.message ?? String(err)}`, err);
      }
    }
  }

  /** Runs the instance's OnShutdown methods, each bounded by graceMs, then disposes its subscriptions. */
  private async shutdown(plugin: LoadedPlugin, graceMs: number): Promise<void> {
    for (const m of plugin.members) {
      if (m.kind !== 'shutdown') continue;
      const finished = await withTimeout(Promise.resolve().then(() => this.call(plugin, m.method)), graceMs).catch((err) => {
        plugin.context.logger.error(errorInfo(err), `@OnShutdown ${m.method} failed`);
        return true;
      });
      if (!finished) plugin.context.logger.warn(`@OnShutdown ${m.method} did not finish within ${graceMs} ms`);
    }
    plugin.context.subscriptions.dispose();
  }

  /** The printer of a per-printer instance is gone: its crons stop, its OnShutdown runs, its subscriptions go. */
  private retire(plugin: LoadedPlugin): void {
    const index = this.loaded.indexOf(plugin);
    if (index < 0) return;
    this.loaded.splice(index, 1);
    const done = stopCrons(plugin)
      .then(() => this.shutdown(plugin, this.graceMs))
      .finally(() => this.retiring.delete(done));
    this.retiring.add(done);
  }

  private instantiate(candidate: PluginCandidate, cls: PluginClass, disabled: readonly string[]): void {
    const info = pluginInfo(cls)!;
    const base = { id: info.id, name: info.name, version: info.version, description: info.description, origin: candidate.origin, source: candidate.source };
    if (this.records.some((r) => r.id === info.id && r.state !== 'failed')) {
      this.fail(candidate, `duplicate plugin id "${info.id}" (already loaded from another source)`, undefined, base);
      return;
    }
    if (disabled.includes(info.id)) {
      this.records.push({ ...base, state: 'disabled' });
      this.logger.info({ plugin: info.id }, 'plugin disabled by plugins.disabled');
      return;
    }
    const scope = info.scope ?? 'host';
    const injectables = this.container.isBound(PluginInjectables) ? this.container.get<readonly PluginInjectable[]>(PluginInjectables) : [];
    const folder = candidate.folder ?? candidate.source;
    try {
      checkInjections(cls, info.id, grantedTokens(injectables, candidate.origin, scope), (token) => scopeHint(injectables, token));
      if (scope === 'printer' && contributionKinds(cls).length > 0) throw new Error('a per-printer plugin cannot be a contribution (@Slicer, @HookType): those are one per host');
      // its settings are checked once, before any instance is made
      this.createContext(info).subscriptions.dispose();
      for (const reader of this.infoReaders()) reader.check(info, folder);
    } catch (err) {
      if (err instanceof ConfigError) this.badSettings.push(err);
      this.fail(candidate, err instanceof ConfigError ? `has invalid settings: ${err.message}` : (err as Error)?.message ?? String(err), err, base);
      return;
    }
    const bus = this.container.get<EventBus>(EventBus);
    for (const name of info.events ?? []) bus.registerCustomEvent(info.id, name);
    const record: PluginRecord = { ...base, state: 'loaded' };
    this.records.push(record);
    this.infos.push({ record, info, folder });
    const build = (printer?: PrinterScope) => this.construct(record, info, cls, candidate.origin, injectables, printer);
    if (scope === 'host') {
      if (build()) this.logger.debug({ plugin: info.id, source: candidate.source }, 'plugin loaded');
      return;
    }
    const registry = this.container.get<PrinterRegistry>(PrinterRegistry);
    this.printerWatches.add(
      registry.forEach((printer) => {
        const plugin = build(printer);
        if (!plugin) return;
        this.logger.debug({ plugin: info.id, printer: printer.id }, 'plugin loaded for a printer');
        if (this.running) void this.startInstance(plugin).then(() => this.loaded.includes(plugin) && this.scheduleCrons(plugin));
        return Disposable.create(() => this.retire(plugin));
      }),
    );
  }

  /** Builds one instance in a container of its own; records the failure (and returns undefined) when it cannot. */
  private construct(record: PluginRecord, info: PluginInfo, cls: PluginClass, origin: PluginOrigin, injectables: readonly PluginInjectable[], printer?: PrinterScope): LoadedPlugin | undefined {
    let context: PluginContext | undefined;
    try {
      context = this.createContext(info, printer);
      const container = pluginContainer(cls, context, injectables, origin, printer, this.container);
      const owner = listenerOwner(context);
      const instance = runAsOwner(owner, () => container.get(cls) as Record<string, unknown>);
      const plugin: LoadedPlugin = { record, info, instance, members: pluginMembers(cls), context, owner, printer, crons: [] };
      this.wire(plugin);
      this.contribute(plugin, cls);
      this.loaded.push(plugin);
      return plugin;
    } catch (err) {
      context?.subscriptions.dispose();
      record.state = 'failed';
      record.error = `could not be created${printer ? ` for printer ${printer.id}` : ''}: ${(err as Error)?.message ?? String(err)}`;
      this.logger.error({ plugin: info.id, printer: printer?.id, ...errorInfo(err) }, `plugin ${info.id} ${record.error}`);
      return undefined;
    }
  }

  private wire(plugin: LoadedPlugin): void {
    const bus = this.container.get<EventBus>(EventBus);
    const hooks = this.container.get<HookRegistry>(HookRegistry);
    const owner = plugin.info.id;
    const store = plugin.context.subscriptions;
    // a per-printer instance hears its own printer's events and the shared ones, not another printer's
    const mine = (payload: object) => !plugin.printer || (eventPrinter(payload) ?? plugin.printer.id) === plugin.printer.id;
    for (const m of plugin.members) {
      const method = plugin.instance[m.method];
      if (typeof method !== 'function') throw new Error(`${m.method} is not a method`);
      const bound = (...args: unknown[]) => runAsOwner(plugin.owner, () => (method as Method).apply(plugin.instance, args));
      if (m.kind === 'event') {
        if (!bus.isKnown(m.event)) plugin.context.logger.warn(`@OnEvent('${m.event}') on ${m.method}: no such event is declared (yet)`);
        store.add(bus.on(m.event as EventName, (payload, event) => (mine(payload) ? bound(payload, event) : undefined), { owner }));
      } else if (m.kind === 'anyEvent') {
        store.add(bus.onAny((event) => (mine(event.payload) ? bound(event) : undefined), { owner }));
      } else if (m.kind === 'hook') {
        store.add(hooks.register(m.point as HookPointName, bound as unknown as HookHandler<HookPointName>, { owner, order: m.order, printer: plugin.printer?.id }));
      } else if (m.kind === 'cron' && !validate(m.expression)) {
        throw new Error(`@Cron('${m.expression}') on ${m.method}: not a valid cron expression`);
      }
    }
  }

  /** Hands the instance to the contribution points its class decorators name (`@Slicer()`, `@HookType()` …). */
  private contribute(plugin: LoadedPlugin, cls: unknown): void {
    const kinds = contributionKinds(cls);
    if (kinds.length === 0) return;
    const points = this.container.isBound(ContributionPoint) ? this.container.getAll<ContributionPoint>(ContributionPoint) : [];
    for (const kind of kinds) {
      const point = points.find((p) => p.kind === kind);
      if (!point) throw new Error(`it is decorated as a "${kind}" contribution, but no core service offers that point`);
      plugin.context.subscriptions.add(point.contribute(plugin.instance, plugin.context));
    }
  }

  private infoReaders(): PluginInfoReader[] {
    return this.container.isBound(PluginInfoReader) ? this.container.getAll<PluginInfoReader>(PluginInfoReader) : [];
  }

  /** Hands the info of each plugin that loaded and started to the readers (a plugin failing later loses it: markFailed). */
  private applyInfo(): void {
    const readers = this.infoReaders();
    for (const { record, info, folder } of this.infos) {
      if (record.state !== 'loaded' || this.applied.has(record.id)) continue;
      const applied = new DisposableStore();
      try {
        for (const reader of readers) applied.add(reader.apply(info, folder));
        this.applied.set(record.id, applied);
      } catch (err) {
        applied.dispose();
        this.logger.error({ plugin: record.id, ...errorInfo(err) }, `plugin ${record.id}: its info could not be applied`);
      }
    }
  }

  private withdrawInfo(id?: string): void {
    for (const [owner, applied] of this.applied) {
      if (id !== undefined && owner !== id) continue;
      applied.dispose();
      this.applied.delete(owner);
    }
  }

  private scheduleCrons(plugin: LoadedPlugin): void {
    for (const m of plugin.members) {
      if (m.kind !== 'cron' || plugin.record.state !== 'loaded') continue;
      const task = schedule(
        m.expression,
        async () => {
          try {
            await this.call(plugin, m.method);
          } catch (err) {
            plugin.context.logger.error(errorInfo(err), `@Cron ${m.method} failed`);
          }
        },
        { timezone: m.timezone, name: `${plugin.info.id}:${plugin.printer ? `${plugin.printer.id}:` : ''}${m.method}`, noOverlap: true },
      );
      plugin.crons.push(task);
    }
  }

  private call(plugin: LoadedPlugin, method: string): unknown {
    return runAsOwner(plugin.owner, () => (plugin.instance[method] as Method).call(plugin.instance));
  }

  private createContext(info: PluginInfo, printer?: PrinterScope): PluginContext {
    const settings = this.container.get<SettingsService>(SettingsService);
    const bus = this.container.get<EventBus>(EventBus);
    const logger = this.logger.child(printer ? { plugin: info.id, printer: printer.id } : { plugin: info.id });
    const subscriptions = new DisposableStore();
    const validated = subscriptions.add(
      new ValidatedPluginSettings(info.id, info.settings ?? {}, settings, (err) => logger.error(errorInfo(err), 'saved settings do not fit the plugin\'s schema: keeping the previous ones')),
    );
    return {
      info,
      id: info.id,
      printer,
      logger,
      subscriptions,
      settings: validated,
      dataFolder: () => {
        const folder = path.join(settings.folder('data'), info.id, ...(printer ? [printer.id] : []));
        makeDirectorySync(folder);
        return folder;
      },
      fire: (name, payload) => {
        if (!(info.events ?? []).includes(name)) throw new Error(`plugin ${info.id} did not declare the custom event "${name}"`);
        // a per-printer instance's events name its printer, as the core's printer events do
        return bus.fireCustom(customEventName(info.id, name), printer ? { printer: printer.id, ...payload } : payload);
      },
    };
  }

  private markFailed(plugin: LoadedPlugin, reason: string, err: unknown): void {
    plugin.record.state = 'failed';
    this.withdrawInfo(plugin.info.id);
    plugin.record.error = reason;
    plugin.context.subscriptions.dispose();
    void stopCrons(plugin);
    this.loaded.splice(this.loaded.indexOf(plugin), 1);
    this.logger.error({ plugin: plugin.info.id, ...errorInfo(err) }, `plugin ${plugin.info.id} ${reason}`);
  }

  private fail(candidate: PluginCandidate, reason: string, err?: unknown, base?: Partial<PluginRecord>): void {
    const id = base?.id ?? path.basename(candidate.source);
    this.records.push({
      id,
      name: base?.name ?? id,
      version: base?.version ?? '',
      description: base?.description ?? '',
      origin: candidate.origin,
      source: candidate.source,
      state: 'failed',
      error: reason,
    });
    this.logger.error({ plugin: id, source: candidate.source, ...(err ? errorInfo(err) : {}) }, `plugin ${id} failed: ${reason}`);
  }
}

function listenerOwner(context: PluginContext): ListenerOwner {
  return {
    id: context.id,
    report: (err) => context.logger.error(errorInfo(err), `a listener of plugin ${context.id} threw`),
  };
}

function pluginClasses(exported: unknown): PluginClass[] {
  const values = typeof exported === 'function' ? [exported] : Object.values((exported ?? {}) as Record<string, unknown>);
  return [...new Set(values.filter((v) => pluginInfo(v) !== undefined))] as PluginClass[];
}

async function stopCrons(plugin: LoadedPlugin): Promise<void> {
  for (const task of plugin.crons.splice(0)) await Promise.resolve(task.destroy()).catch(() => undefined);
}

function withTimeout(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(false), ms);
    promise.then(
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      (err) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

