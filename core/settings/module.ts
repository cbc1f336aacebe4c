/**
 * Container bindings of the settings service's own parts: the start-up sweep of interrupted saves
 * and, until their modules contribute them, the fragments of core/settings/schema. The SettingsService itself is bound as a constant by
 * core/container.ts (it exists before the container: it configures the logger).
 */
import { ContainerModule } from 'inversify';
import { LifecycleContribution } from '../common/lifecycle.js';
import { centralSections } from './schema/index.js';
import { SettingsContribution } from './settings-section.js';
import { SettingsTemporariesSweep } from './temporaries.js';

export const settingsModule = new ContainerModule(({ bind }) => {
  bind(SettingsTemporariesSweep).toSelf().inSingletonScope();
  bind(LifecycleContribution).toService(SettingsTemporariesSweep);
  for (const section of centralSections) bind(SettingsContribution).toConstantValue(section);
});
