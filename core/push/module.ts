/**
 * Container bindings for the live push channel: the connectivity check, the push service (hub
 * owner) and the status page. The transports have their own module (transports/module.ts).
 */
import { ContainerModule } from 'inversify';
import { LifecycleContribution } from '../common/lifecycle.js';
import { ConnectivityService, PushService } from './api.js';
import { TcpConnectivityCheck } from './connectivity.js';
import { DefaultPushService } from './service.js';
import { StatusPage } from './status-page/status-page.js';

export const pushModule = new ContainerModule(({ bind }) => {
  bind(TcpConnectivityCheck).toSelf().inSingletonScope();
  bind(ConnectivityService).toService(TcpConnectivityCheck);
  bind(LifecycleContribution).toService(TcpConnectivityCheck);

  bind(DefaultPushService).toSelf().inSingletonScope();
  bind(PushService).toService(DefaultPushService);
  bind(LifecycleContribution).toService(DefaultPushService);

  bind(StatusPage).toSelf().inSingletonScope();
  bind(LifecycleContribution).toService(StatusPage);
});
