/** Container bindings for the health probes (bound before the server, so they answer from its first request). */
import { ContainerModule } from 'inversify';
import { LifecycleContribution } from '../common/lifecycle.js';
import { HealthRoutes } from './health-routes.js';

export const healthModule = new ContainerModule(({ bind }) => {
  bind(HealthRoutes).toSelf().inSingletonScope();
  bind(LifecycleContribution).toService(HealthRoutes);
});
