/** Container bindings for file storages, uploads and G-code analysis. */
import { ContainerModule } from 'inversify';
import { LifecycleContribution } from '../common/lifecycle.js';
import { LocalFileManager } from './file-manager-impl.js';
import { FileManager } from './file-manager.js';

export const filesModule = new ContainerModule(({ bind }) => {
  bind(LocalFileManager).toSelf().inSingletonScope();
  bind(FileManager).toService(LocalFileManager);
  bind(LifecycleContribution).toService(LocalFileManager);
});
