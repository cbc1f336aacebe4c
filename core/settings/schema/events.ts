/** Configuration of the event bus and of the event hooks (the spec's `events.subscriptions`). */
import type convict from 'convict';

export interface SubscriptionConfig {
  event: string;
  command: string | string[];
  type: string;
  enabled?: boolean;
  [option: string]: unknown;
}

export interface EventsConfig {
  events: {
    enabled: boolean;
    subscriptions: SubscriptionConfig[];
    historySize: number;
    subscriberQueueLimit: number;
    shutdownGraceMs: number;
    commandTimeout: number;
  };
}

export const eventsSchema: convict.Schema<EventsConfig> = {
  events: {
    enabled: { doc: 'Run event hooks (subscriptions) at all.', format: Boolean, default: true },
    subscriptions: {
      doc:
        'Event hooks: a list of { event, command, type, enabled } as in the spec, checked entry by entry at start-up. ' +
        'Optional per entry: debug, filter (payload key: value or list of values), throttle, debounce and timeout (ms), ' +
        'shell (system type only), and options of other hook types.',
      format: Array,
      default: [] as SubscriptionConfig[],
    },
    historySize: { doc: 'Fired events kept for replay to reconnecting push clients.', format: 'nat', default: 10000 },
    subscriberQueueLimit: {
      doc: 'Events one subscriber may have waiting; past it the oldest are dropped with a warning.',
      format: 'nat',
      default: 100000,
    },
    shutdownGraceMs: { doc: 'How long subscribers get to finish at shutdown.', format: 'nat', default: 5000 },
    commandTimeout: {
      doc: 'Milliseconds an event-hook command may run before it is killed (0: no limit); a subscription may set its own `timeout`.',
      format: 'nat',
      default: 60000,
    },
  },
};
