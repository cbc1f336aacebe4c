/** Container bindings for the printer connection, protocol, state machine and jobs. */
import { ContainerModule } from 'inversify';

export const printerModule = new ContainerModule(() => {
  // bindings are added by the issue that implements this service
});
