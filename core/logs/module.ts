/** Container bindings for the log files' routes (`/api/logs`). */
import { ContainerModule } from 'inversify';
import { RouteContribution } from '../http/routes.js';
import { LogRoutes } from './routes.js';

export const logsModule = new ContainerModule(({ bind }) => {
  bind(LogRoutes).toSelf().inSingletonScope();
  bind(RouteContribution).toService(LogRoutes);
});
