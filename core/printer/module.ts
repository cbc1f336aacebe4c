/**
 * Container bindings for the printer. `printerModule` (root): the SD routes, which act on the
 * request's printer. `printerScopeModule` (loaded into each printer's child container by
 * core/printers): the connection, protocol, state machine and job of that one printer.
 */
import { ContainerModule } from 'inversify';
import { PrinterScopeLifecycle } from '../common/lifecycle.js';
import { DefaultPrinterService } from './printer-service-impl.js';
import { PrinterService } from './printer-service.js';
import { SdRoutes } from './sd-routes.js';
import { RouteContribution } from '../server/route-contribution.js';

export const printerModule = new ContainerModule(({ bind }) => {
  bind(SdRoutes).toSelf().inSingletonScope();
  bind(RouteContribution).toService(SdRoutes);
});

export const printerScopeModule = new ContainerModule(({ bind }) => {
  bind(PrinterService).to(DefaultPrinterService).inSingletonScope();
  bind(PrinterScopeLifecycle).toService(PrinterService);
});
