/** Container bindings for file storages, uploads and G-code analysis. */
import { ContainerModule } from 'inversify';

export const filesModule = new ContainerModule(() => {
  // bindings are added by the issue that implements this service
});
