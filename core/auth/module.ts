/**
 * Container bindings for users, keys and sessions, and their settings. `AuthManager` is also the server's
 * `AuthService` and a lifecycle contribution (key generation on first start, session sweeping);
 * its client-facing routes are route contributions.
 */
import { ContainerModule } from 'inversify';
import { LifecycleContribution } from '../common/lifecycle.js';
import { AuthService } from '../http/http-server.js';
import { AuthManager } from './api.js';
import { AuthManagerImpl } from './auth-manager.js';
import { RouteContribution } from '../http/routes.js';
import { AuthPublicRoutes, AuthRoutes } from './routes.js';
import { SettingsContribution } from '../settings/settings-section.js';
import { accessControlSettings, apiSettings } from './settings.js';

export const authModule = new ContainerModule(({ bind }) => {
  bind(SettingsContribution).toConstantValue(apiSettings);
  bind(SettingsContribution).toConstantValue(accessControlSettings);
  bind(AuthManager).to(AuthManagerImpl).inSingletonScope();
  bind(AuthService).toService(AuthManager);
  bind(LifecycleContribution).toService(AuthManager);
  bind(AuthPublicRoutes).toSelf().inSingletonScope();
  bind(RouteContribution).toService(AuthPublicRoutes);
  bind(AuthRoutes).toSelf().inSingletonScope();
  bind(RouteContribution).toService(AuthRoutes);
});
