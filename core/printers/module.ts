/**
 * Container bindings for the printer registry. In the host's container `PrinterService` and
 * `TimelapseService` stand for the first printer's (what the root of the main port serves, and what
 * a plugin written for one printer gets); code that serves every printer injects `PrinterRegistry`.
 */
import { ContainerModule } from 'inversify';
import { LifecycleContribution } from '../common/lifecycle.js';
import { RouteContribution } from '../http/routes.js';
import { PrinterList } from '../printer/printer-list.js';
import { PrinterService } from '../printer/printer-service.js';
import { TimelapseService } from '../timelapse/timelapse-service.js';
import { PrinterRegistry, type PrinterScope } from './printer-registry.js';
import { DefaultPrinterRegistry } from './registry-impl.js';
import { RequestContribution } from '../http/request-contribution.js';
import { JobRoutes } from './job-routes.js';
import { PrinterPrefix } from './prefix-contribution.js';
import { DefaultPrinterListeners, PrinterListeners } from './printer-listeners.js';
import { PrintersRoutes } from './routes.js';
import { SettingsContribution } from '../settings/settings-section.js';
import { printersSettings } from './settings.js';

function firstPrinter(registry: PrinterRegistry): PrinterScope {
  const first = registry.first();
  if (!first) throw new Error('the host has no printer (printers: is empty after removals)');
  return first;
}

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
  bind(PrinterService)
    .toDynamicValue((context) => firstPrinter(context.get<PrinterRegistry>(PrinterRegistry)).printer)
    .inTransientScope();
  bind(TimelapseService)
    .toDynamicValue((context) => firstPrinter(context.get<PrinterRegistry>(PrinterRegistry)).timelapse)
    .inTransientScope();
});
