/** Container bindings for OctoPrint's system commands (`/api/system/commands`). */
import { ContainerModule } from 'inversify';
import { RouteContribution } from '../server/route-contribution.js';
import { SystemRoutes } from './routes.js';

export const systemModule = new ContainerModule(({ bind }) => {
  bind(SystemRoutes).toSelf().inSingletonScope();
  bind(RouteContribution).toService(SystemRoutes);
});
