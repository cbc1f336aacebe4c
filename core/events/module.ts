/** Container bindings for the event bus, its settings and the hook registry. */
import { ContainerModule } from 'inversify';
import { DefaultHookRegistry } from '../hooks/hook-registry-impl.js';
import { HookRegistry } from '../hooks/hook-points.js';
import { Logger } from '../logging/logger.js';
import { SettingsService } from '../settings/settings-service.js';
import { AsyncEventBus, type SeqSource } from './bus-impl.js';
import { EventBus } from './event-bus.js';
import { SettingsContribution } from '../settings/settings-section.js';
import { eventsSettings } from './settings.js';

/** Bound by the event log: seq numbers that outlive the process. Without it seq restarts at 1. */
export const EventSeqSource = Symbol.for('cuttle.EventSeqSource');

export const eventsModule = new ContainerModule(({ bind }) => {
  bind(SettingsContribution).toConstantValue(eventsSettings);
  bind(EventBus)
    .toDynamicValue((ctx) => {
      const bus = ctx.get<SettingsService>(SettingsService).of(eventsSettings).get();
      return new AsyncEventBus(ctx.get<Logger>(Logger).child({ service: 'events' }), {
        historySize: bus.historySize,
        queueLimit: bus.subscriberQueueLimit,
        seq: ctx.get<SeqSource>(EventSeqSource, { optional: true }),
      });
    })
    .inSingletonScope();
  bind(HookRegistry).to(DefaultHookRegistry).inSingletonScope();
});
