/**
 * The host's life cycle: settings → container → plugins constructed → core services started →
 * plugins' @OnStartup → `Startup`. Stopping runs it backwards, after `Shutdown` has been delivered
 * (bounded by `events.shutdownGraceMs`).
 */
import 'reflect-metadata';
import path from 'node:path';
import type { Container } from 'inversify';
import { setDefaultListenerErrorHandler } from './common/event.js';
import { LifecycleContribution } from './common/lifecycle.js';
import { createContainer, loadSettings } from './container.js';
import { EventBus } from './events/event-bus.js';
import { disabledFirerProblems, EventDependents } from './events/event-dependents.js';
import { eventsSettings } from './events/settings.js';
import { createLogger, errorInfo, type Logger } from './logging/logger.js';
import { LogLevels } from './logging/log-levels.js';
import { RotatingFile } from './logging/rotating-file.js';
import { makeCuttleResolvable } from './plugins/cuttle-resolution.js';
import { discoverPlugins } from './plugins/discovery.js';
import { PluginHost } from './plugins/plugin-host.js';
import type { ConvictSettings, SettingsOptions } from './settings/settings-impl.js';
import { ConfigError } from './settings/settings-service.js';
import { pluginsSettings } from './plugins/settings.js';
import { loggingSettings } from './host-settings.js';
import { ConnectionGate, ConnectionGateToken } from './http/connection-gate.js';

export interface HostOptions extends Omit<SettingsOptions, 'sections'> {
  /** write logs here instead of stdout or the configured file (tests) */
  logStream?: NodeJS.WritableStream;
  /** plugin classes loaded in-process besides the discovered ones, as third-party plugins (cuttle/testing) */
  pluginClasses?: readonly (new (...args: never[]) => unknown)[];
}

/** Where cuttle itself is installed (the folder with package.json). */
export const APP_ROOT = path.resolve(__dirname, '..', '..');
/** The compiled bundled plugins. */
export const BUNDLED_PLUGINS = path.resolve(__dirname, '..', 'plugins');

export class CuttleHost {
  readonly container: Container;
  readonly plugins: PluginHost;
  private services: LifecycleContribution[] = [];
  private started = false;

  private constructor(
    readonly settings: ConvictSettings,
    readonly logger: Logger,
    levels: LogLevels,
    private readonly pluginClasses: HostOptions['pluginClasses'] = [],
    private readonly logFile?: RotatingFile,
  ) {
    this.container = createContainer(settings, logger, levels);
    this.plugins = new PluginHost(this.container, logger.child({ service: 'plugins' }));
    this.container.bind(PluginHost).toConstantValue(this.plugins);
  }

  /** Reads and validates the configuration; throws ConfigError naming file and key. */
  static create(options: HostOptions): CuttleHost {
    const settings = loadSettings(options);
    const { file: logFile, level, levels: componentLevels, maxMb, keep } = settings.of(loggingSettings).get();
    const file = logFile && !options.logStream ? new RotatingFile(path.resolve(settings.folder('logs'), logFile), { maxBytes: Math.round(maxMb * 1024 * 1024), keep }) : undefined;
    const levels = new LogLevels(level, componentLevels);
    const logger = createLogger({ level, levels, stream: options.logStream, file });
    setDefaultListenerErrorHandler((err) => logger.error(errorInfo(err), 'a listener of a service signal failed'));
    return new CuttleHost(settings, logger, levels, options.pluginClasses, file);
  }

  /** Reopens the log file (after logrotate moved it): `cuttle serve` on SIGHUP. */
  reopenLog(): void {
    this.logFile?.reopen();
    this.logger.info('log file reopened');
  }

  get<T>(token: symbol | (abstract new (...args: never[]) => T)): T {
    return this.container.get<T>(token as symbol);
  }

  get bus(): EventBus {
    return this.get<EventBus>(EventBus);
  }

  /** Discovers and constructs plugins, without starting anything (used by `cuttle plugins`). */
  loadPlugins(): void {
    makeCuttleResolvable(APP_ROOT);
    const configured = this.settings.of(pluginsSettings).get();
    const { candidates, problems } = discoverPlugins({
      bundledDir: BUNDLED_PLUGINS,
      nodeModules: [
        path.join(this.settings.basedir, 'node_modules'),
        path.join(APP_ROOT, 'node_modules'),
        ...configured.nodeModules.map((p) => path.resolve(this.settings.basedir, p)),
      ],
      paths: configured.paths.map((p) => path.resolve(this.settings.basedir, p)),
    });
    this.plugins.reportProblems(problems, 'path');
    this.plugins.load(candidates, configured.disabled);
    this.plugins.loadClasses(this.pluginClasses ?? [], 'in-process', configured.disabled);
  }

  async start(): Promise<void> {
    this.loadPlugins();
    this.checkPluginSettings();
    this.checkEventFirers();
    this.services = this.container.isBound(LifecycleContribution) ? this.container.getAll<LifecycleContribution>(LifecycleContribution) : [];
    for (const service of this.services) {
      await service.start?.();
      this.logger.debug({ service: service.lifecycleName }, 'started');
    }
    await this.plugins.start(this.settings.of(eventsSettings).get().shutdownGraceMs);
    this.started = true;
    // requests held since the server started listening are answered from now on, with every plugin up
    if (this.container.isBound(ConnectionGateToken)) this.container.get<ConnectionGate>(ConnectionGateToken).open();
    this.bus.fire('Startup', {});
  }

  /** Refuses to start, as for the core's settings, when a plugin's settings do not fit its schema. */
  private checkPluginSettings(): void {
    const [first, ...more] = this.plugins.settingsErrors();
    if (!first) return;
    this.plugins.unload();
    const where = first.where ?? this.settings.where(first.key);
    const problem = more.length === 0 ? first.problem : `${first.problem} (and ${more.length} more: ${more.map((e) => `"${e.key}" ${e.problem}`).join('; ')})`;
    throw new ConfigError(first.file, first.key, problem, where);
  }

  /** Refuses to start (ConfigError naming the dependents) when a disabled plugin fires events that something needs. */
  private checkEventFirers(): void {
    const demands = [
      ...this.plugins.eventDemands(),
      ...(this.container.isBound(EventDependents) ? this.container.getAll<EventDependents>(EventDependents) : []).flatMap((d) => d.eventDemands()),
    ];
    const problems = disabledFirerProblems(this.settings.of(pluginsSettings).get().disabled, demands);
    if (problems.length === 0) return;
    this.plugins.unload();
    throw new ConfigError(this.settings.configFile, 'plugins.disabled', problems.join('\n'));
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    const grace = this.settings.of(eventsSettings).get().shutdownGraceMs;
    this.bus.fire('Shutdown', {});
    if (!(await this.bus.idle(grace))) this.logger.warn(`subscribers did not finish within ${grace} ms of Shutdown`);
    await this.plugins.stop(grace);
    for (const service of [...this.services].reverse()) {
      try {
        await service.stop?.();
      } catch (err) {
        this.logger.error({ service: service.lifecycleName, ...errorInfo(err) }, 'stopping failed');
      }
    }
  }
}
