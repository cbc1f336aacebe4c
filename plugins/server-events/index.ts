/**
 * Server category. `Startup` and `Shutdown` are fired by the host itself (core/host.ts) because
 * they frame every plugin's life; this plugin logs them, and is where the push channel's
 * ClientOpened/ClientClosed and the connectivity check's ConnectivityChanged are dispatched.
 */
import { inject, OnEvent, Plugin, PluginContext } from 'cuttle';
import { ConnectivityService, PushService } from '../../core/push/api.js';
import { EventBus } from '../../core/events/event-bus.js';

@Plugin({
  id: 'server-events',
  name: 'Server events',
  version: '1.0.0',
  description: 'Server life-cycle events: Startup, Shutdown, ClientOpened, ClientClosed, ConnectivityChanged.',
})
export class ServerEventsPlugin {
  constructor(
    @inject(PluginContext) private readonly ctx: PluginContext,
    @inject(EventBus) bus: EventBus,
    @inject(PushService) push: PushService,
    @inject(ConnectivityService) connectivity: ConnectivityService,
  ) {
    // push clients (any transport) opening and closing
    ctx.subscriptions.add(push.onClientOpened(({ remoteAddress }) => bus.fire('ClientOpened', { remoteAddress })));
    ctx.subscriptions.add(push.onClientClosed(({ remoteAddress }) => bus.fire('ClientClosed', { remoteAddress })));
    // the scheduled connectivity check (config onlineCheck.*)
    ctx.subscriptions.add(connectivity.onChanged((change) => bus.fire('ConnectivityChanged', { old: change.old, new: change.new })));
  }

  @OnEvent('Startup')
  started(): void {
    this.ctx.logger.info('cuttle started');
  }

  @OnEvent('Shutdown')
  stopping(): void {
    this.ctx.logger.info('cuttle is shutting down');
  }
}
