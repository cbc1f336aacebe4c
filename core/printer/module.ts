/**
 * Container bindings for the printer. `printerModule` (root): the `serial.*` settings; the connection,
 * printer, printhead and SD card routes, which act on the request's printer; the transports' provider
 * and the serial module's TransportFactories (device paths, tcp:// bridges; other modules contribute
 * more port names, such as `virtual`). `printerScopeModule` (loaded into each printer's child
 * container by core/printers): the connection, protocol, state machine, job and SD card of that one printer.
 */
import { ContainerModule } from 'inversify';
import { PrinterScopeLifecycle } from '../common/lifecycle.js';
import { DefaultPrinterService } from './printer-service-impl.js';
import { PrinterService } from './printer-service.js';
import { RouteContribution } from '../http/routes.js';
import { SettingsContribution } from '../settings/settings-section.js';
import { ConnectionRoutes } from './connection-routes.js';
import { PrinterRoutes } from './printer-routes.js';
import { PrintheadRoutes } from './printhead-routes.js';
import { SdRoutes } from './sd-routes.js';
import { serialSettings } from './settings.js';
import { SerialTransportFactory } from './transport/serial-factory.js';
import { TcpTransportFactory } from './transport/tcp-factory.js';
import { TransportFactory, TransportProvider } from './transport/transport-factory.js';

export const printerModule = new ContainerModule(({ bind }) => {
  bind(SettingsContribution).toConstantValue(serialSettings);
  bind(ConnectionRoutes).toSelf().inSingletonScope();
  bind(RouteContribution).toService(ConnectionRoutes);
  bind(PrinterRoutes).toSelf().inSingletonScope();
  bind(RouteContribution).toService(PrinterRoutes);
  bind(PrintheadRoutes).toSelf().inSingletonScope();
  bind(RouteContribution).toService(PrintheadRoutes);
  bind(SdRoutes).toSelf().inSingletonScope();
  bind(RouteContribution).toService(SdRoutes);
  bind(TransportProvider).toSelf().inSingletonScope();
  bind(TransportFactory).to(SerialTransportFactory).inSingletonScope();
  bind(TransportFactory).to(TcpTransportFactory).inSingletonScope();
});

export const printerScopeModule = new ContainerModule(({ bind }) => {
  bind(PrinterService).to(DefaultPrinterService).inSingletonScope();
  bind(PrinterScopeLifecycle).toService(PrinterService);
});
