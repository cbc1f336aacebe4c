/**
 * Container bindings for the simulated printer: it contributes the `virtual` port to the printers'
 * transports. Without this module a host has serial ports only.
 */
import { ContainerModule } from 'inversify';
import { TransportFactory } from '../transport/transport-factory.js';
import { VirtualTransportFactory } from './transport-factory.js';

export const simulatorModule = new ContainerModule(({ bind }) => {
  bind(VirtualTransportFactory).toSelf().inSingletonScope();
  bind(TransportFactory).toService(VirtualTransportFactory);
});
