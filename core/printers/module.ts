/**
 * Container bindings for the printer registry. `PrinterService` and `TimelapseService` exist only in
 * each printer's scope (no "first printer" in the host's container): code that serves every printer
 * injects `PrinterRegistry`, a per-printer plugin gets its printer's.
 */
import { ContainerModule } from 'inversify';
import { LifecycleContribution } from '../common/lifecycle.js';
import { RouteContribution } from '../http/routes.js';
import { PrinterList } from '../printer/printer-list.js';
import { PrinterRegistry } from './printer-registry.js';
import { DefaultPrinterRegistry } from './registry-impl.js';
import { RequestContribution } from '../http/request-contribution.js';
import { JobRoutes } from './job-routes.js';
import { PrinterPrefix } from './prefix-contribution.js';
import { DefaultPrinterListeners, PrinterListeners } from './printer-listeners.js';
import { PrintersRoutes } from './routes.js';
import { SettingsContribution } from '../settings/settings-section.js';
import { printersSettings } from './settings.js';

export const printersModule = new ContainerModule(({ bind }) => {
  bind(SettingsContribution).toConstantValue(printersSettings);
  bind(DefaultPrinterRegistry).toSelf().inSingletonScope();
  bind(PrinterRegistry).toService(DefaultPrinterRegistry);
  bind(PrinterList).toService(DefaultPrinterRegistry);
  bind(LifecycleContribution).toService(DefaultPrinterRegistry);
  bind(PrintersRoutes).toSelf().inSingletonScope();
  bind(RouteContribution).toService(PrintersRoutes);
  bind(JobRoutes).toSelf().inSingletonScope();
  bind(RouteContribution).toService(JobRoutes);
  bind(PrinterPrefix).toSelf().inSingletonScope();
  bind(RequestContribution).toService(PrinterPrefix);
  // after the main server (their requests are handed to it) and the registry, stopped before them
  bind(DefaultPrinterListeners).toSelf().inSingletonScope();
  bind(PrinterListeners).toService(DefaultPrinterListeners);
  bind(LifecycleContribution).toService(DefaultPrinterListeners);
});
