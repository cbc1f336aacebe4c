/** Container bindings for timelapse capture and rendering. */
import { ContainerModule } from 'inversify';

export const timelapseModule = new ContainerModule(() => {
  // bindings are added by the issue that implements this service
});
