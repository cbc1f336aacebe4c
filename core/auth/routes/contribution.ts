/**
 * Registers the client-facing routes owned by core/auth with the HTTP server at start: login and
 * app-key request flow (public: they authenticate themselves), then everything behind a key.
 */
import path from 'node:path';
import { inject, injectable, optional } from 'inversify';
import { DisposableStore } from '../../common/disposable.js';
import type { LifecycleContribution } from '../../common/lifecycle.js';
import { Logger } from '../../logging/logger.js';
import { PrinterService } from '../../printer/printer-service.js';
import { PushService } from '../../push/api.js';
import { HttpRoutes } from '../../server/http-server.js';
import { SettingsService } from '../../settings/settings-service.js';
import { PrinterProfileStore } from '../printer-profiles.js';
import { AuthManager } from '../api.js';
import { installAccessRoutes } from './access.js';
import { installAppKeyAdminRoutes, installAppKeyPublicRoutes } from './appkeys.js';
import { installCurrentUserRoutes, installLoginRoutes } from './login.js';
import { installPrinterProfileRoutes } from './printer-profiles.js';
import { installSettingsRoutes } from './settings.js';
import { installSdRoutes, installSystemRoutes } from './system-and-sd.js';

@injectable()
export class ClientApiRoutes implements LifecycleContribution {
  readonly lifecycleName = 'client-api-routes';
  private readonly registrations = new DisposableStore();

  constructor(
    @inject(HttpRoutes) private readonly routes: HttpRoutes,
    @inject(AuthManager) private readonly auth: AuthManager,
    @inject(SettingsService) private readonly settings: SettingsService,
    @inject(Logger) private readonly logger: Logger,
    @inject(PrinterService) @optional() private readonly printer?: PrinterService,
    @inject(PushService) @optional() private readonly push?: PushService,
  ) {}

  start(): void {
    const owner = 'core/auth';
    this.registrations.add(
      this.routes.register((router) => {
        installLoginRoutes(router, this.auth);
        installAppKeyPublicRoutes(router, this.auth, (request) =>
          // OctoPrint's web UI shows its confirmation dialog on this message
          this.push?.sendPluginMessage('appkeys', { type: 'request', app_name: request.app, user_token: request.userToken, user_id: request.user ?? null }),
        );
      }, { owner, public: true }),
    );
    this.registrations.add(
      this.routes.register((router) => {
        installCurrentUserRoutes(router);
        installAppKeyAdminRoutes(router, this.auth);
        installAccessRoutes(router, this.auth);
        installSettingsRoutes(router, this.settings, () => this.printer);
        installPrinterProfileRoutes(router, new PrinterProfileStore(path.join(this.settings.basedir, 'printerProfiles')));
        installSystemRoutes(router, this.settings, this.logger);
        installSdRoutes(router, () => this.printer);
      }, { owner }),
    );
  }

  stop(): void {
    this.registrations.dispose();
  }
}
