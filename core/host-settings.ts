/**
 * The host's own settings: the log (`logging.*`, read before the container exists, to make the
 * logger) and plugin loading (`plugins.*`, core/plugins/settings.ts), contributed by hostSettingsModule.
 */
import { ContainerModule } from 'inversify';
import { isLogLevel, LOG_LEVELS, type LogLevel } from './logging/log-levels.js';
import { pluginsSettings } from './plugins/settings.js';
import { configVersionSettings } from './settings/config-migrations.js';
import { choice } from './settings/settings-schema.js';
import { defineSettings, SettingsContribution } from './settings/settings-section.js';

/** `logging.levels`: a map of component names to levels (which components exist is known only once plugins are loaded). */
function checkLevels(value: unknown): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('must be a map of components to levels, e.g. {history: debug, mqtt: trace}');
  for (const [component, level] of Object.entries(value)) {
    if (!isLogLevel(level)) throw new Error(`"${component}": ${JSON.stringify(level)} is not a level (${LOG_LEVELS.join(', ')})`);
  }
}

export const loggingSettings = defineSettings('logging', {
  level: {
    doc: 'Log level of every component that logging.levels does not name.',
    ...choice([...LOG_LEVELS], 'info'),
    env: 'CUTTLE_LOG_LEVEL',
  },
  levels: {
    doc: 'Levels of single components, over logging.level: a core service (as log lines name it in "service", e.g. history, events, printer) or a plugin id, e.g. {history: debug, mqtt: trace}. Changed at run time by PUT /api/logs/levels (admins), which lists the components.',
    format: checkLevels,
    default: {} as Record<string, LogLevel>,
  },
  file: { doc: 'Log to this file (relative to the logs folder) instead of stdout; empty for stdout. Reopened on SIGHUP (logrotate); admins read the logs folder at GET /api/logs.', format: String, default: '' },
  maxMb: { doc: 'Rotate the log file when it would grow past this many megabytes (0: never).', format: Number, default: 10 },
  keep: { doc: 'Rotated log files kept (cuttle.log.1 … cuttle.log.N), the oldest dropped.', format: 'nat', default: 5 },
});

export const hostSettingsModule = new ContainerModule(({ bind }) => {
  bind(SettingsContribution).toConstantValue(loggingSettings);
  bind(SettingsContribution).toConstantValue(pluginsSettings);
  bind(SettingsContribution).toConstantValue(configVersionSettings);
});
