/** Container bindings for the event bus and the hook registry. */
import { ContainerModule } from 'inversify';
import { DefaultHookRegistry } from '../hooks/hook-registry-impl.js';
import { HookRegistry } from '../hooks/hook-points.js';
import { Logger } from '../logging/logger.js';
import { SettingsService } from '../settings/settings-service.js';
import { AsyncEventBus } from './bus-impl.js';
import { EventBus } from './event-bus.js';

export const eventsModule = new ContainerModule(({ bind }) => {
  bind(EventBus)
    .toDynamicValue((ctx) => {
      const settings = ctx.get<SettingsService>(SettingsService);
      return new AsyncEventBus(ctx.get<Logger>(Logger).child({ service: 'events' }), {
        historySize: settings.get('events.historySize'),
        queueLimit: settings.get('events.subscriberQueueLimit'),
      });
    })
    .inSingletonScope();
  bind(HookRegistry).to(DefaultHookRegistry).inSingletonScope();
});
