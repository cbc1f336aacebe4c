/** Container bindings for OctoPrint's system commands (`/api/system/commands`) and their settings. */
import { ContainerModule } from 'inversify';
import { RouteContribution } from '../http/routes.js';
import { SystemRoutes } from './routes.js';
import { SettingsContribution } from '../settings/settings-section.js';
import { systemSettings } from './settings.js';

export const systemModule = new ContainerModule(({ bind }) => {
  bind(SettingsContribution).toConstantValue(systemSettings);
  bind(SystemRoutes).toSelf().inSingletonScope();
  bind(RouteContribution).toService(SystemRoutes);
});
