/** Container bindings for the printer connection, protocol, state machine and jobs. */
import { ContainerModule } from 'inversify';
import { LifecycleContribution } from '../common/lifecycle.js';
import { DefaultPrinterService } from './printer-service-impl.js';
import { PrinterService } from './printer-service.js';
import { SdRoutes } from './sd-routes.js';
import { RouteContribution } from '../server/route-contribution.js';

export const printerModule = new ContainerModule(({ bind }) => {
  bind(PrinterService).to(DefaultPrinterService).inSingletonScope();
  bind(LifecycleContribution).toService(PrinterService);
  bind(SdRoutes).toSelf().inSingletonScope();
  bind(RouteContribution).toService(SdRoutes);
});
