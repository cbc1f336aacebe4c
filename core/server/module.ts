/** Container bindings for the web server, its route registry and the default (global-key) auth. */
import { ContainerModule } from 'inversify';
import { LifecycleContribution } from '../common/lifecycle.js';
import { GlobalKeyAuth } from './global-key-auth.js';
import { AuthService, HttpRoutes, HttpServer } from './http-server.js';
import { KoaHttpServer } from './koa-server.js';

export const serverModule = new ContainerModule(({ bind }) => {
  bind(GlobalKeyAuth).toSelf().inSingletonScope();
  bind(AuthService).toService(GlobalKeyAuth);
  bind(LifecycleContribution).toService(GlobalKeyAuth);
  bind(KoaHttpServer).toSelf().inSingletonScope();
  bind(HttpServer).toService(KoaHttpServer);
  bind(HttpRoutes).toService(KoaHttpServer);
  bind(LifecycleContribution).toService(KoaHttpServer);
});
