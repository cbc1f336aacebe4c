/**
 * Container bindings for OctoPrint's settings document (`GET`/`POST /api/settings`) and the
 * settings only its clients use (appearance, temperature presets).
 */
import { ContainerModule } from 'inversify';
import { RouteContribution } from '../http/routes.js';
import { SettingsContribution } from '../settings/settings-section.js';
import { SettingsRoutes } from './routes.js';
import { appearanceSettings, temperatureSettings } from './settings.js';

export const octoprintSettingsModule = new ContainerModule(({ bind }) => {
  bind(SettingsContribution).toConstantValue(appearanceSettings);
  bind(SettingsContribution).toConstantValue(temperatureSettings);
  bind(SettingsRoutes).toSelf().inSingletonScope();
  bind(RouteContribution).toService(SettingsRoutes);
});
