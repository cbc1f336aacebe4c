/** Container bindings for the live push channel. */
import { ContainerModule } from 'inversify';

export const pushModule = new ContainerModule(() => {
  // bindings are added by the issue that implements this service
});
