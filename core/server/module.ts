/**
 * Container bindings for the web server and the providers of what modules contribute to it: their
 * routes (`RouteContribution`) and request middleware (`RequestContribution`). Authentication is the
 * auth module's (`AuthService`): the server only asks it who a request is.
 */
import { ContainerModule } from 'inversify';
import { LifecycleContribution } from '../common/lifecycle.js';
import { HttpServer } from '../http/http-server.js';
import { ConnectionGate, ConnectionGateToken } from '../http/connection-gate.js';
import { KoaHttpServer } from './koa-server.js';
import { RequestContribution, RequestContributionProvider } from '../http/request-contribution.js';
import { HttpRoutes, RouteContribution, RouteContributionProvider } from '../http/routes.js';
import { VersionRoutes } from './version-routes.js';
import { RequestOrigins } from './request-origin.js';
import { RequestOriginSource } from '../http/base-url.js';
import { SettingsContribution } from '../settings/settings-section.js';
import { serverSettings } from '../http/settings.js';

export const serverModule = new ContainerModule(({ bind }) => {
  bind(SettingsContribution).toConstantValue(serverSettings);
  // opened by the host once its plugins have started (core/host.ts)
  bind(ConnectionGateToken).toConstantValue(new ConnectionGate());
  bind(KoaHttpServer).toSelf().inSingletonScope();
  bind(HttpServer).toService(KoaHttpServer);
  bind(HttpRoutes).toService(KoaHttpServer);
  bind(LifecycleContribution).toService(KoaHttpServer);
  bind(VersionRoutes).toSelf().inSingletonScope();
  bind(RouteContribution).toService(VersionRoutes);
  bind(RequestOrigins).toSelf().inSingletonScope();
  bind(RequestContribution).toService(RequestOrigins);
  bind(RequestOriginSource).toService(RequestOrigins);
  bind(RequestContributionProvider).toDynamicValue((ctx) => () => ctx.getAll<RequestContribution>(RequestContribution, { optional: true }) ?? []);
  bind(RouteContributionProvider).toDynamicValue((ctx) => () => (ctx.getAll<RouteContribution>(RouteContribution, { optional: true }) ?? []));
});
