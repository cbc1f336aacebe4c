/**
 * Container bindings for the web server and its route registry. Authentication is the auth
 * module's (`AuthService`): the server only asks it who a request is.
 */
import { ContainerModule } from 'inversify';
import { LifecycleContribution } from '../common/lifecycle.js';
import { HttpRoutes, HttpServer } from './http-server.js';
import { KoaHttpServer } from './koa-server.js';

export const serverModule = new ContainerModule(({ bind }) => {
  bind(KoaHttpServer).toSelf().inSingletonScope();
  bind(HttpServer).toService(KoaHttpServer);
  bind(HttpRoutes).toService(KoaHttpServer);
  bind(LifecycleContribution).toService(KoaHttpServer);
});
