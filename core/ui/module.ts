/**
 * Container bindings for the web app's server side: its page and hashed assets (ui-routes.ts), and
 * the panels plugins contribute to it (panels.ts: UiPanels). The app itself is the ui/ source
 * folder, built into dist/web by `npm run build`.
 */
import { ContainerModule } from 'inversify';
import { RouteContribution } from '../http/routes.js';
import { UiPanels } from './panels.js';
import { UiPanelListRoute, UiPanelModuleRoute, UiPanelRegistry } from './panels-impl.js';
import { UiRoutes } from './ui-routes.js';

export const uiModule = new ContainerModule(({ bind }) => {
  bind(UiRoutes).toSelf().inSingletonScope();
  bind(RouteContribution).toService(UiRoutes);

  bind(UiPanelRegistry).toSelf().inSingletonScope();
  bind(UiPanels).toService(UiPanelRegistry);
  bind(UiPanelListRoute).toSelf().inSingletonScope();
  bind(RouteContribution).toService(UiPanelListRoute);
  bind(UiPanelModuleRoute).toSelf().inSingletonScope();
  bind(RouteContribution).toService(UiPanelModuleRoute);
});
