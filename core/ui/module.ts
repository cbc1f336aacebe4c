/**
 * Container bindings for the web app's server side: its page and hashed assets (ui-routes.ts).
 * The app itself is the ui/ source folder, built into dist/web by `npm run build`.
 */
import { ContainerModule } from 'inversify';
import { RouteContribution } from '../http/routes.js';
import { UiRoutes } from './ui-routes.js';

export const uiModule = new ContainerModule(({ bind }) => {
  bind(UiRoutes).toSelf().inSingletonScope();
  bind(RouteContribution).toService(UiRoutes);
});
