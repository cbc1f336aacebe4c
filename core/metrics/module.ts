/** Container bindings for the Prometheus endpoint and its settings. */
import { ContainerModule } from 'inversify';
import { LifecycleContribution } from '../common/lifecycle.js';
import { SettingsContribution } from '../settings/settings-section.js';
import { MetricsRoute } from './metrics-route.js';
import { metricsSettings } from './settings.js';

export const metricsModule = new ContainerModule(({ bind }) => {
  bind(SettingsContribution).toConstantValue(metricsSettings);
  bind(MetricsRoute).toSelf().inSingletonScope();
  bind(LifecycleContribution).toService(MetricsRoute);
});
