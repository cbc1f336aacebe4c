/** The event bus's settings (`events.*`, beside the event hooks' and the event log's), contributed by eventsModule. */
import { defineSettings } from '../settings/settings-section.js';

export const eventsSettings = defineSettings('events', {
  historySize: { doc: 'Fired events kept for replay to reconnecting push clients.', format: 'nat', default: 10000 },
  subscriberQueueLimit: {
    doc: 'Events one subscriber may have waiting; past it the oldest are dropped with a warning.',
    format: 'nat',
    default: 100000,
  },
  shutdownGraceMs: { doc: 'How long subscribers get to finish at shutdown.', format: 'nat', default: 5000 },
});
