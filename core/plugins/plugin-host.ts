/**
 * Loads plugins and wires their decorated members: `@OnEvent` → EventBus subscriptions owned by the
 * plugin id, `@Hook` → HookRegistry, `@Cron` → node-cron tasks, `@OnStartup`/`@OnShutdown` → the
 * host's lifecycle. Every step is isolated: a plugin that fails to load, construct or start is
 * recorded and logged with its id and reason, and the host carries on.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Container } from 'inversify';
import { schedule, validate, type ScheduledTask } from 'node-cron';
import { DisposableStore } from '../common/disposable.js';
import { runAsOwner, type ListenerOwner } from '../common/listener-owner.js';
import { customEventName, type EventName } from '../events/catalogue.js';
import { EventBus } from '../events/event-bus.js';
import type { EventDemand } from '../events/event-dependents.js';
import { HookRegistry, type HookHandler, type HookPointName } from '../hooks/hook-points.js';
import { errorInfo, type Logger } from '../logging/logger.js';
import { ConfigError, SettingsService } from '../settings/settings-service.js';
import { ContributionPoint, contributionKinds } from './contributions.js';
import { pluginInfo, pluginMembers, type PluginInfo, type PluginMember } from './decorators.js';
import type { DiscoveryProblem, PluginCandidate, PluginOrigin } from './discovery.js';
import { PluginContext } from './plugin-context.js';
import { ValidatedPluginSettings } from './plugin-settings.js';

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

interface LoadedPlugin {
  record: PluginRecord;
  info: PluginInfo;
  instance: Record<string, unknown>;
  members: readonly PluginMember[];
  context: PluginContext;
  /** every call into the plugin runs as this owner, so its subscriptions to service signals are its own */
  owner: ListenerOwner;
}

export class PluginHost {
  private readonly records: PluginRecord[] = [];
  private readonly loaded: LoadedPlugin[] = [];
  private readonly cronTasks: ScheduledTask[] = [];
  private readonly badSettings: ConfigError[] = [];

  constructor(
    private readonly container: Container,
    private readonly logger: Logger,
  ) {}

  list(): readonly PluginRecord[] {
    return this.records;
  }

  /** Instantiated plugin objects by id (for tests and tooling). */
  instance<T = unknown>(id: string): T | undefined {
    return this.loaded.find((p) => p.info.id === id)?.instance as T | undefined;
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

  /** OnStartup methods in load order, then cron schedules. */
  async start(): Promise<void> {
    for (const plugin of [...this.loaded]) {
      for (const m of plugin.members) {
        if (m.kind !== 'startup') continue;
        try {
          await this.call(plugin, m.method);
        } catch (err) {
          this.markFailed(plugin, `@OnStartup ${m.method} failed: ${(err as Error)?.message ?? String(err)}`, err);
        }
      }
    }
    for (const plugin of this.loaded) this.scheduleCrons(plugin);
  }

  /** Stops crons, runs OnShutdown methods (each bounded by graceMs), disposes subscriptions. */
  async stop(graceMs: number): Promise<void> {
    for (const task of this.cronTasks.splice(0)) await Promise.resolve(task.destroy()).catch(() => undefined);
    for (const plugin of [...this.loaded].reverse()) {
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
  }

  /** Drops the constructed plugins' subscriptions without running anything of theirs (a refused start). */
  unload(): void {
    for (const plugin of this.loaded.splice(0).reverse()) plugin.context.subscriptions.dispose();
  }

  private instantiate(candidate: PluginCandidate, cls: new (...args: never[]) => unknown, disabled: readonly string[]): void {
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
    const bus = this.container.get<EventBus>(EventBus);
    let context: PluginContext;
    try {
      context = this.createContext(info);
    } catch (err) {
      if (err instanceof ConfigError) this.badSettings.push(err);
      this.fail(candidate, `has invalid settings: ${(err as Error)?.message ?? String(err)}`, err, base);
      return;
    }
    try {
      for (const name of info.events ?? []) bus.registerCustomEvent(info.id, name);
      const child = new Container({ parent: this.container });
      child.bind(PluginContext).toConstantValue(context);
      child.bind(cls).toSelf().inSingletonScope();
      const owner = listenerOwner(context);
      const instance = runAsOwner(owner, () => child.get(cls) as Record<string, unknown>);
      const plugin: LoadedPlugin = { record: { ...base, state: 'loaded' }, info, instance, members: pluginMembers(cls), context, owner };
      this.wire(plugin);
      this.contribute(plugin, cls);
      this.records.push(plugin.record);
      this.loaded.push(plugin);
      this.logger.debug({ plugin: info.id, source: candidate.source }, 'plugin loaded');
    } catch (err) {
      context.subscriptions.dispose();
      this.fail(candidate, `could not be created: ${(err as Error)?.message ?? String(err)}`, err, base);
    }
  }

  private wire(plugin: LoadedPlugin): void {
    const bus = this.container.get<EventBus>(EventBus);
    const hooks = this.container.get<HookRegistry>(HookRegistry);
    const owner = plugin.info.id;
    const store = plugin.context.subscriptions;
    for (const m of plugin.members) {
      const method = plugin.instance[m.method];
      if (typeof method !== 'function') throw new Error(`${m.method} is not a method`);
      const bound = (...args: unknown[]) => runAsOwner(plugin.owner, () => (method as Method).apply(plugin.instance, args));
      if (m.kind === 'event') {
        if (!bus.isKnown(m.event)) plugin.context.logger.warn(`@OnEvent('${m.event}') on ${m.method}: no such event is declared (yet)`);
        store.add(bus.on(m.event as EventName, bound, { owner }));
      } else if (m.kind === 'anyEvent') {
        store.add(bus.onAny(bound, { owner }));
      } else if (m.kind === 'hook') {
        store.add(hooks.register(m.point as HookPointName, bound as unknown as HookHandler<HookPointName>, { owner, order: m.order }));
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
        { timezone: m.timezone, name: `${plugin.info.id}:${m.method}`, noOverlap: true },
      );
      this.cronTasks.push(task);
    }
  }

  private call(plugin: LoadedPlugin, method: string): unknown {
    return runAsOwner(plugin.owner, () => (plugin.instance[method] as Method).call(plugin.instance));
  }

  private createContext(info: PluginInfo): PluginContext {
    const settings = this.container.get<SettingsService>(SettingsService);
    const bus = this.container.get<EventBus>(EventBus);
    const logger = this.logger.child({ plugin: info.id });
    const subscriptions = new DisposableStore();
    const validated = subscriptions.add(
      new ValidatedPluginSettings(info.id, info.settings ?? {}, settings, (err) => logger.error(errorInfo(err), 'saved settings do not fit the plugin\'s schema: keeping the previous ones')),
    );
    return {
      info,
      id: info.id,
      logger,
      subscriptions,
      settings: validated,
      dataFolder: () => {
        const folder = path.join(settings.folder('data'), info.id);
        mkdirSync(folder, { recursive: true });
        return folder;
      },
      fire: (name, payload) => {
        if (!(info.events ?? []).includes(name)) throw new Error(`plugin ${info.id} did not declare the custom event "${name}"`);
        return bus.fireCustom(customEventName(info.id, name), payload);
      },
    };
  }

  private markFailed(plugin: LoadedPlugin, reason: string, err: unknown): void {
    plugin.record.state = 'failed';
    plugin.record.error = reason;
    plugin.context.subscriptions.dispose();
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

function pluginClasses(exported: unknown): (new (...args: never[]) => unknown)[] {
  const values = typeof exported === 'function' ? [exported] : Object.values((exported ?? {}) as Record<string, unknown>);
  return [...new Set(values.filter((v) => pluginInfo(v) !== undefined))] as (new (...args: never[]) => unknown)[];
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

