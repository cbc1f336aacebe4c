/** Container bindings for the log files' routes (`/api/logs`) and the live log levels. */
import { ContainerModule } from 'inversify';
import { LifecycleContribution } from '../common/lifecycle.js';
import { LogLevelSettings } from './log-level-settings.js';
import { RouteContribution } from '../http/routes.js';
import { LogRoutes } from './routes.js';

export const logsModule = new ContainerModule(({ bind }) => {
  bind(LogLevelSettings).toSelf().inSingletonScope();
  bind(LifecycleContribution).toService(LogLevelSettings);
  bind(LogRoutes).toSelf().inSingletonScope();
  bind(RouteContribution).toService(LogRoutes);
});
