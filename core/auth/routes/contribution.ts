/**
 * The client-facing routes of core/auth, as two route contributions: login and the app-key request
 * flow (public: they resolve the caller themselves, or need none), and the ones behind a key
 * (current user, app-key decisions and management, users and groups).
 */
import type Router from '@koa/router';
import { inject, injectable, optional } from 'inversify';
import { PushService } from '../../push/api.js';
import type { RouteContribution } from '../../server/route-contribution.js';
import { AuthManager } from '../api.js';
import { installAccessRoutes } from './access.js';
import { installAppKeyAdminRoutes, installAppKeyPublicRoutes } from './appkeys.js';
import { installCurrentUserRoutes, installLoginRoutes } from './login.js';

@injectable()
export class AuthPublicRoutes implements RouteContribution {
  readonly owner = 'auth-public';
  readonly public = true;

  constructor(
    @inject(AuthManager) private readonly auth: AuthManager,
    @inject(PushService) @optional() private readonly push?: PushService,
  ) {}

  registerRoutes(router: Router): void {
    installLoginRoutes(router, this.auth);
    installAppKeyPublicRoutes(router, this.auth, (request) =>
      // OctoPrint's web UI shows its confirmation dialog on this message
      this.push?.sendPluginMessage('appkeys', { type: 'request', app_name: request.app, user_token: request.userToken, user_id: request.user ?? null }),
    );
  }
}

@injectable()
export class AuthRoutes implements RouteContribution {
  readonly owner = 'auth';

  constructor(@inject(AuthManager) private readonly auth: AuthManager) {}

  registerRoutes(router: Router): void {
    installCurrentUserRoutes(router);
    installAppKeyAdminRoutes(router, this.auth);
    installAccessRoutes(router, this.auth);
  }
}
