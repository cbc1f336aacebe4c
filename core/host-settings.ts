/**
 * The host's own settings: the log (`logging.*`, read before the container exists, to make the
 * logger) and plugin loading (`plugins.*`, core/plugins/settings.ts), contributed by hostSettingsModule.
 */
import { ContainerModule } from 'inversify';
import { pluginsSettings } from './plugins/settings.js';
import { configVersionSettings } from './settings/config-migrations.js';
import { choice } from './settings/settings-schema.js';
import { defineSettings, SettingsContribution } from './settings/settings-section.js';

export const loggingSettings = defineSettings('logging', {
  level: {
    doc: 'Log level.',
    ...choice(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
    env: 'CUTTLE_LOG_LEVEL',
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
