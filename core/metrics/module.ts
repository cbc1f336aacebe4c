/** Container bindings for the Prometheus endpoint. */
import { ContainerModule } from 'inversify';
import { LifecycleContribution } from '../common/lifecycle.js';
import { MetricsRoute } from './metrics-route.js';

export const metricsModule = new ContainerModule(({ bind }) => {
  bind(MetricsRoute).toSelf().inSingletonScope();
  bind(LifecycleContribution).toService(MetricsRoute);
});
