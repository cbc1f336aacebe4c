/**
 * The host's Inversify container: settings and logger as constants, then each core service's
 * ContainerModule; and the modules each printer's child container gets. Reading this file tells
 * what the core offers.
 */
import { Container } from 'inversify';
import { authModule } from './auth/module.js';
import { backupModule } from './backup/module.js';
import { BackupService } from './backup/api.js';
import { logsModule } from './logs/module.js';
import { EventBus } from './events/event-bus.js';
import { FileManager } from './files/file-manager.js';
import { PluginInjectables, type PluginInjectable } from './plugins/plugin-container.js';
import { PrinterService } from './printer/printer-service.js';
import { PrinterRegistry } from './printers/printer-registry.js';
import { ConnectivityService, PushService } from './push/api.js';
import { SlicingService } from './slicing/slicing-service.js';
import { TimelapseService } from './timelapse/timelapse-service.js';
import { databaseModule } from './database/module.js';
import { EventHistory } from './event-log/api.js';
import { eventLogModule } from './event-log/module.js';
import { HttpRoutes } from './http/routes.js';
import { eventHooksModule } from './event-hooks/module.js';
import { eventsModule } from './events/module.js';
import { filesModule } from './files/module.js';
import { healthModule } from './health/module.js';
import { historyModule } from './history/module.js';
import { hostSettingsModule } from './host-settings.js';
import { metricsModule } from './metrics/module.js';
import { moonrakerModule } from './moonraker/module.js';
import { LogLevels } from './logging/log-levels.js';
import { HostRestart, HostRestartSignal } from './common/host-restart.js';
import { Logger } from './logging/logger.js';
import { printerModule, printerScopeModule } from './printer/module.js';
import { simulatorModule } from './printer/simulator/module.js';
import { TransportProvider } from './printer/transport/transport-factory.js';
import { pluginRoutesModule } from './plugins/routes.js';
import { printersModule } from './printers/module.js';
import { PrinterScopeParent } from './printers/registry-impl.js';
import { printerProfilesModule } from './printer-profiles/module.js';
import { pushModule } from './push/module.js';
import { pushTransportsModule } from './push/transports/module.js';
import { serverModule } from './server/module.js';
import { octoprintSettingsModule } from './octoprint-settings/module.js';
import { settingsModule } from './settings/module.js';
import { settingsPagesModule } from './settings-pages/module.js';
import { ConvictSettings, type SettingsOptions } from './settings/settings-impl.js';
import { SettingsContribution, type SettingsSection } from './settings/settings-section.js';
import { SettingsService } from './settings/settings-service.js';
import { slicingModule } from './slicing/module.js';
import { systemModule } from './system/module.js';
import { timelapseModule, timelapseScopeModule } from './timelapse/module.js';
import { uiModule } from './ui/module.js';

// (the host's settings start nothing) the database and the event log first: they start first and stop last, after every event is fired
export const CORE_MODULES = [
  hostSettingsModule,
  eventsModule,
  databaseModule,
  eventLogModule,
  healthModule,
  serverModule,
  settingsModule,
  octoprintSettingsModule,
  settingsPagesModule,
  authModule,
  printerModule,
  simulatorModule,
  printersModule,
  printerProfilesModule,
  systemModule,
  filesModule,
  pluginRoutesModule,
  slicingModule,
  timelapseModule,
  pushModule,
  pushTransportsModule,
  moonrakerModule,
  eventHooksModule,
  historyModule,
  metricsModule,
  backupModule,
  logsModule,
  uiModule,
];

/** Loaded into each printer's child container (core/printers): what exists once per printer. */
export const PRINTER_SCOPE_MODULES = [printerScopeModule, timelapseScopeModule];

/**
 * The settings sections the core modules contribute, collected before any service exists: the
 * modules are loaded into a container of their own that is only asked for the contributions.
 */
export function coreSettingsSections(): SettingsSection[] {
  const probe = new Container();
  probe.load(...CORE_MODULES);
  return probe.getAll<SettingsSection>(SettingsContribution);
}

/**
 * The printers' transports as a host on `settings` would have them (every contributed
 * TransportFactory), for the port allow-list of a command that runs without a host.
 */
export function hostTransports(settings: SettingsService): TransportProvider {
  const probe = new Container({ defaultScope: 'Singleton' });
  probe.bind(SettingsService).toConstantValue(settings);
  probe.load(...CORE_MODULES);
  return probe.get(TransportProvider);
}

/** Reads and validates the configuration against the core's settings (a ConfigError names the file and the key). */
export function loadSettings(options: Omit<SettingsOptions, 'sections'>): ConvictSettings {
  return new ConvictSettings({ ...options, sections: coreSettingsSections() });
}

/**
 * What a plugin's container holds besides its PluginContext (core/plugins/plugin-container.ts): the
 * public services (docs/plugin-api.md), one printer's services for a per-printer plugin, and for the
 * bundled, core-owned plugins the services whose events they dispatch. Nothing else is injectable.
 */
export const PLUGIN_INJECTABLES: readonly PluginInjectable[] = [
  { token: PrinterRegistry },
  { token: FileManager },
  { token: SlicingService },
  { token: EventHistory },
  { token: HttpRoutes },
  { token: PrinterService, ofPrinter: (printer) => printer.printer },
  { token: TimelapseService, ofPrinter: (printer) => printer.timelapse },
  { token: EventBus, coreOwned: true },
  { token: SettingsService, coreOwned: true },
  { token: PushService, coreOwned: true },
  { token: ConnectivityService, coreOwned: true },
  { token: BackupService, coreOwned: true },
];

/** `levels`: the table `logger` decides by (core/logging/log-levels.ts); a loose one when absent (benchmarks). */
export function createContainer(settings: SettingsService, logger: Logger, levels = new LogLevels('info')): Container {
  const container = new Container({ defaultScope: 'Singleton' });
  container.bind(SettingsService).toConstantValue(settings);
  container.bind(Logger).toConstantValue(logger);
  container.bind(LogLevels).toConstantValue(levels);
  container.bind(HostRestart).toConstantValue(new HostRestartSignal());
  container.bind(PrinterScopeParent).toConstantValue({ container, modules: PRINTER_SCOPE_MODULES });
  container.bind(PluginInjectables).toConstantValue(PLUGIN_INJECTABLES);
  container.load(...CORE_MODULES);
  return container;
}
