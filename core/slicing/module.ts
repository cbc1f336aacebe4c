/** Container bindings for slicer registry and slicing jobs. */
import { ContainerModule } from 'inversify';

export const slicingModule = new ContainerModule(() => {
  // bindings are added by the issue that implements this service
});
