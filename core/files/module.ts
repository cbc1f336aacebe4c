/** Container bindings for file storages, uploads and G-code analysis. */
import { ContainerModule } from 'inversify';
import { LifecycleContribution } from '../common/lifecycle.js';
import { DefaultFileManager } from './file-manager-impl.js';
import { FileManager } from './file-manager.js';

export const filesModule = new ContainerModule(({ bind }) => {
  bind(DefaultFileManager).toSelf().inSingletonScope();
  bind(FileManager).toService(DefaultFileManager);
  bind(LifecycleContribution).toService(DefaultFileManager);
});
