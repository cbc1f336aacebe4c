/** Container bindings for the settings pages the web app renders (`/api/settings/pages`). */
import { ContainerModule } from 'inversify';
import { RouteContribution } from '../http/routes.js';
import { SettingsPagesRoutes } from './routes.js';

export const settingsPagesModule = new ContainerModule(({ bind }) => {
  bind(SettingsPagesRoutes).toSelf().inSingletonScope();
  bind(RouteContribution).toService(SettingsPagesRoutes);
});
