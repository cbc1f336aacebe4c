/**
 * Container bindings for the Moonraker surface (issue 22): every printer also speaks Moonraker's
 * JSON-RPC API, so Mainsail, Fluidd and the Klipper world's clients drive it unmodified. Each
 * file in methods/ is one RpcMethodContribution; a new group of methods is one file and one line here.
 */
import { ContainerModule } from 'inversify';
import { LifecycleContribution } from '../common/lifecycle.js';
import { RouteContribution } from '../http/routes.js';
import { SettingsContribution } from '../settings/settings-section.js';
import { MoonrakerAccess } from './access.js';
import { MoonrakerDatabase } from './database-store.js';
import { AccessMethods } from './methods/access.js';
import { DatabaseMethods } from './methods/database.js';
import { FileMethods } from './methods/files.js';
import { HistoryMethods } from './methods/history.js';
import { PrinterMethods } from './methods/printer.js';
import { ServerMethods } from './methods/server.js';
import { WebcamMethods } from './methods/webcams.js';
import { MoonrakerNotifications } from './notifications.js';
import { MoonrakerPrinters } from './printers.js';
import { MoonrakerRoutes } from './routes.js';
import { RpcMethodContribution, RpcMethodProvider } from './rpc.js';
import { moonrakerSettings } from './settings.js';
import { MoonrakerWebsocket } from './websocket.js';

export const moonrakerModule = new ContainerModule(({ bind }) => {
  bind(SettingsContribution).toConstantValue(moonrakerSettings);
  bind(MoonrakerAccess).toSelf().inSingletonScope();
  bind(MoonrakerDatabase).toSelf().inSingletonScope();
  bind(MoonrakerPrinters).toSelf().inSingletonScope();
  bind(LifecycleContribution).toService(MoonrakerPrinters);
  bind(MoonrakerWebsocket).toSelf().inSingletonScope();
  bind(LifecycleContribution).toService(MoonrakerWebsocket);
  bind(LifecycleContribution).to(MoonrakerNotifications).inSingletonScope();
  bind(MoonrakerRoutes).toSelf().inSingletonScope();
  bind(RouteContribution).toService(MoonrakerRoutes);
  const methods: (new (...args: never[]) => RpcMethodContribution)[] = [ServerMethods, DatabaseMethods, PrinterMethods, FileMethods, HistoryMethods, AccessMethods, WebcamMethods];
  for (const contribution of methods) bind(RpcMethodContribution).to(contribution).inSingletonScope();
  bind(RpcMethodProvider).toDynamicValue((ctx) => () => ctx.getAll<RpcMethodContribution>(RpcMethodContribution, { optional: true }) ?? []);
});
