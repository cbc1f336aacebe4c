/**
 * Container bindings for the web server, its settings, its route registry, the printers' own ports and the
 * provider of the services' `RouteContribution`s. Authentication is the auth
 * module's (`AuthService`): the server only asks it who a request is.
 */
import { ContainerModule } from 'inversify';
import { LifecycleContribution } from '../common/lifecycle.js';
import { HttpRoutes, HttpServer } from '../http/http-server.js';
import { KoaHttpServer } from './koa-server.js';
import { DefaultPrinterListeners, PrinterListeners } from './printer-listeners.js';
import { RouteContribution, RouteContributionProvider } from '../http/routes.js';
import { VersionRoutes } from './version-routes.js';
import { SettingsContribution } from '../settings/settings-section.js';
import { serverSettings } from '../http/settings.js';

export const serverModule = new ContainerModule(({ bind }) => {
  bind(SettingsContribution).toConstantValue(serverSettings);
  bind(KoaHttpServer).toSelf().inSingletonScope();
  bind(HttpServer).toService(KoaHttpServer);
  bind(HttpRoutes).toService(KoaHttpServer);
  bind(LifecycleContribution).toService(KoaHttpServer);
  // after the main server (its requests are handed to it), stopped before it
  bind(DefaultPrinterListeners).toSelf().inSingletonScope();
  bind(PrinterListeners).toService(DefaultPrinterListeners);
  bind(LifecycleContribution).toService(DefaultPrinterListeners);
  bind(VersionRoutes).toSelf().inSingletonScope();
  bind(RouteContribution).toService(VersionRoutes);
  bind(RouteContributionProvider).toDynamicValue((ctx) => () => (ctx.getAll<RouteContribution>(RouteContribution, { optional: true }) ?? []));
});
