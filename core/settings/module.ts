/**
 * Container bindings of the settings service's own parts: the start-up sweep of interrupted saves
 * and the folders under the basedir (`folder.*`). The SettingsService itself is bound as a constant by
 * core/container.ts (it exists before the container: it configures the logger).
 */
import { ContainerModule } from 'inversify';
import { LifecycleContribution } from '../common/lifecycle.js';
import { folderSettings } from './folders.js';
import { SettingsContribution } from './settings-section.js';
import { SettingsTemporariesSweep } from './temporaries.js';

export const settingsModule = new ContainerModule(({ bind }) => {
  bind(SettingsTemporariesSweep).toSelf().inSingletonScope();
  bind(LifecycleContribution).toService(SettingsTemporariesSweep);
  bind(SettingsContribution).toConstantValue(folderSettings);
});
