/**
 * Registers the client-facing routes owned by core/auth with the HTTP server at start: login and
 * app-key request flow (public: they authenticate themselves), then everything behind a key.
 */
import { inject, injectable } from 'inversify';
import { DisposableStore } from '../../common/disposable.js';
import type { LifecycleContribution } from '../../common/lifecycle.js';
import { HttpRoutes } from '../../server/http-server.js';
import { AuthManager } from '../api.js';
import { installAppKeyAdminRoutes, installAppKeyPublicRoutes } from './appkeys.js';
import { installCurrentUserRoutes, installLoginRoutes } from './login.js';

@injectable()
export class ClientApiRoutes implements LifecycleContribution {
  readonly lifecycleName = 'client-api-routes';
  private readonly registrations = new DisposableStore();

  constructor(
    @inject(HttpRoutes) private readonly routes: HttpRoutes,
    @inject(AuthManager) private readonly auth: AuthManager,
  ) {}

  start(): void {
    const owner = 'core/auth';
    this.registrations.add(
      this.routes.register((router) => {
        installLoginRoutes(router, this.auth);
        installAppKeyPublicRoutes(router, this.auth);
      }, { owner, public: true }),
    );
    this.registrations.add(
      this.routes.register((router) => {
        installCurrentUserRoutes(router);
        installAppKeyAdminRoutes(router, this.auth);
      }, { owner }),
    );
  }

  stop(): void {
    this.registrations.dispose();
  }
}
