/**
 * Container bindings for the web app's server side: its page and hashed assets (ui-routes.ts), and
 * the panels plugins contribute to it (panels.ts: UiPanels, announced to the pages by panel-announcements.ts; plugin-ui.ts: what `@Plugin({ ui })` declares). The app itself is the ui/ source
 * folder, built into dist/web by `npm run build`.
 */
import { ContainerModule } from 'inversify';
import { LifecycleContribution } from '../common/lifecycle.js';
import { RouteContribution } from '../http/routes.js';
import { PluginInfoReader } from '../plugins/contributions.js';
import { PanelAnnouncements } from './panel-announcements.js';
import { UiPanels } from './panels.js';
import { PluginUiReader } from './plugin-ui.js';
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
  // the open pages hear of panels coming and going
  bind(PanelAnnouncements).toSelf().inSingletonScope();
  bind(LifecycleContribution).toService(PanelAnnouncements);
  // `@Plugin({ ui })`: checked when a plugin loads, registered while it runs
  bind(PluginUiReader).toSelf().inSingletonScope();
  bind(PluginInfoReader).toService(PluginUiReader);
});
