/**
 * Container bindings for the live push channel: the connectivity check, the push service (hub
 * owner) and its transports. A new transport is one file in transports/ and one line here.
 */
import { ContainerModule } from 'inversify';
import { LifecycleContribution } from '../common/lifecycle.js';
import { ConnectivityService, PushService } from './api.js';
import { TcpConnectivityCheck } from './connectivity.js';
import { DefaultPushService } from './service.js';
import { StatusPage } from './status-page/status-page.js';
import { PushTransportContribution } from './transport.js';
import { SocketIoTransport } from './transports/socket-io.js';
import { SockJsTransport } from './transports/sockjs.js';

export const pushModule = new ContainerModule(({ bind }) => {
  bind(TcpConnectivityCheck).toSelf().inSingletonScope();
  bind(ConnectivityService).toService(TcpConnectivityCheck);
  bind(LifecycleContribution).toService(TcpConnectivityCheck);

  bind(SocketIoTransport).toSelf().inSingletonScope();
  bind(PushTransportContribution).toService(SocketIoTransport);
  bind(PushTransportContribution).to(SockJsTransport).inSingletonScope();

  bind(DefaultPushService).toSelf().inSingletonScope();
  bind(PushService).toService(DefaultPushService);
  bind(LifecycleContribution).toService(DefaultPushService);

  bind(StatusPage).toSelf().inSingletonScope();
  bind(LifecycleContribution).toService(StatusPage);
});
