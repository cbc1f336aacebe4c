/**
 * The client-facing routes of core/auth, as two route contributions: login and the app-key request
 * flow (public: they resolve the caller themselves, or need none), and the ones behind a key
 * (current user, app-key decisions and management, users and groups).
 */
import { inject, injectable } from 'inversify';
import type { RouteContribution, Routes } from '../http/routes.js';
import { AuthManager } from './api.js';
import { installAccessRoutes } from './access-routes.js';
import { installAppKeyAdminRoutes, installAppKeyPublicRoutes } from './appkey-routes.js';
import { installCurrentUserRoutes, installLoginRoutes } from './login-routes.js';

@injectable()
export class AuthPublicRoutes implements RouteContribution {
  readonly owner = 'auth-public';

  constructor(@inject(AuthManager) private readonly auth: AuthManager) {}

  registerRoutes(routes: Routes): void {
    installLoginRoutes(routes, this.auth);
    installAppKeyPublicRoutes(routes, this.auth);
  }
}

@injectable()
export class AuthRoutes implements RouteContribution {
  readonly owner = 'auth';

  constructor(@inject(AuthManager) private readonly auth: AuthManager) {}

  registerRoutes(routes: Routes): void {
    installCurrentUserRoutes(routes);
    installAppKeyAdminRoutes(routes, this.auth);
    installAccessRoutes(routes, this.auth);
  }
}
