/** Container bindings for file storages, uploads and G-code analysis, and their settings. */
import { ContainerModule } from 'inversify';
import { LifecycleContribution } from '../common/lifecycle.js';
import { DefaultFileManager } from './file-manager-impl.js';
import { FileManager } from './file-manager.js';
import { SettingsContribution } from '../settings/settings-section.js';
import { filesSettings } from './settings.js';

export const filesModule = new ContainerModule(({ bind }) => {
  bind(SettingsContribution).toConstantValue(filesSettings);
  bind(DefaultFileManager).toSelf().inSingletonScope();
  bind(FileManager).toService(DefaultFileManager);
  bind(LifecycleContribution).toService(DefaultFileManager);
});
