/**
 * Container bindings for the live push channel: its settings, the connectivity check and the push service (the
 * hub's owner). The web app's page is served by core/ui. The transports have their own module (transports/module.ts).
 */
import { ContainerModule } from 'inversify';
import { LifecycleContribution } from '../common/lifecycle.js';
import { ConnectivityService, PushService } from './api.js';
import { PushAnnouncements } from './announcements.js';
import { TcpConnectivityCheck } from './connectivity.js';
import { DefaultPushService } from './service.js';
import { SettingsContribution } from '../settings/settings-section.js';
import { onlineCheckSettings, pushSettings } from './settings.js';

export const pushModule = new ContainerModule(({ bind }) => {
  bind(SettingsContribution).toConstantValue(pushSettings);
  bind(SettingsContribution).toConstantValue(onlineCheckSettings);
  bind(TcpConnectivityCheck).toSelf().inSingletonScope();
  bind(ConnectivityService).toService(TcpConnectivityCheck);
  bind(LifecycleContribution).toService(TcpConnectivityCheck);

  bind(DefaultPushService).toSelf().inSingletonScope();
  bind(PushService).toService(DefaultPushService);
  bind(LifecycleContribution).toService(DefaultPushService);

  bind(PushAnnouncements).toSelf().inSingletonScope();
  bind(LifecycleContribution).toService(PushAnnouncements);
});
