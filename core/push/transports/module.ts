/**
 * Container bindings for the push transports: each file here is one `PushTransportContribution`,
 * which the push service (core/push) attaches at start. A new transport is one file here and one
 * line below; core/push itself never imports this folder.
 */
import { ContainerModule } from 'inversify';
import { PushTransportContribution } from '../transport.js';
import { SocketIoTransport } from './socket-io.js';
import { SockJsTransport } from './sockjs.js';

export const pushTransportsModule = new ContainerModule(({ bind }) => {
  bind(SocketIoTransport).toSelf().inSingletonScope();
  bind(PushTransportContribution).toService(SocketIoTransport);
  bind(PushTransportContribution).to(SockJsTransport).inSingletonScope();
});
