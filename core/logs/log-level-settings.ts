/**
 * Keeps the loggers' levels (core/logging/log-levels.ts) on `logging.level` and `logging.levels`:
 * a change of those settings, whoever makes it (PUT /api/logs/levels, /api/settings, a plugin),
 * applies at once, without a restart. Names in `logging.levels` that no service or loaded plugin
 * logs under are warned about at start (a plugin may be disabled for now), and refused by the API.
 */
import { inject, injectable } from 'inversify';
import { DisposableStore } from '../common/disposable.js';
import type { LifecycleContribution } from '../common/lifecycle.js';
import { loggingSettings } from '../host-settings.js';
import { isLogLevel, LOG_LEVELS, LogLevels, type LogLevel } from '../logging/log-levels.js';
import { Logger } from '../logging/logger.js';
import { SettingsService } from '../settings/settings-service.js';

/** A change to the levels: the default, and components' own levels (null: back to the default). */
export interface LevelsChange {
  level?: LogLevel;
  levels?: Record<string, LogLevel | null>;
}

@injectable()
export class LogLevelSettings implements LifecycleContribution {
  readonly lifecycleName = 'log-levels';
  private readonly lifetime = new DisposableStore();

  constructor(
    @inject(SettingsService) private readonly settings: SettingsService,
    @inject(LogLevels) private readonly levels: LogLevels,
    @inject(Logger) private readonly logger: Logger,
  ) {}

  start(): void {
    const section = this.settings.of(loggingSettings);
    this.lifetime.add(section.onDidChange(() => this.applySettings()));
    this.applySettings();
    const unknown = Object.keys(section.get().levels).filter((c) => !this.levels.has(c));
    if (unknown.length) this.logger.warn({ unknown, known: this.levels.components() }, `logging.levels names components nothing logs under: ${unknown.join(', ')}`);
  }

  stop(): void {
    this.lifetime.dispose();
  }

  /** The default level, the components' own, and every known component's effective level. */
  describe(): { level: LogLevel; levels: Record<string, LogLevel>; components: Record<string, LogLevel> } {
    return { ...this.levels.get(), components: Object.fromEntries(this.levels.components().map((c) => [c, this.levels.levelOf(c)])) };
  }

  /** The problem with a change (an unknown component or level), or undefined. */
  problem(change: LevelsChange): string | undefined {
    if (change.level !== undefined && !isLogLevel(change.level)) return `"level": ${JSON.stringify(change.level)} is not a level (${LOG_LEVELS.join(', ')})`;
    for (const [component, level] of Object.entries(change.levels ?? {})) {
      if (!this.levels.has(component)) return `"${component}" is not a component (known: ${this.levels.components().join(', ')})`;
      if (level !== null && !isLogLevel(level)) return `"${component}": ${JSON.stringify(level)} is not a level (${LOG_LEVELS.join(', ')}, or null for logging.level)`;
    }
    return undefined;
  }

  /** Applies a change (checked by `problem`) now and saves it in config.yaml. */
  async change(change: LevelsChange): Promise<void> {
    const section = this.settings.of(loggingSettings);
    const levels = { ...section.get().levels };
    for (const [component, level] of Object.entries(change.levels ?? {})) {
      if (level === null) delete levels[component];
      else levels[component] = level;
    }
    section.update({ ...(change.level ? { level: change.level } : {}), levels });
    await this.settings.save();
    this.logger.info({ level: this.levels.get().level, levels }, 'log levels changed');
  }

  private applySettings(): void {
    const { level, levels } = this.settings.of(loggingSettings).get();
    this.levels.apply(level, levels);
  }
}
