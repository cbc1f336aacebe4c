/** The durable event log's settings (`events.log.*`, beside the bus's `events.*`), contributed by eventLogModule. */
import { defineSettings } from '../settings/settings-section.js';

export const eventLogSettings = defineSettings('events.log', {
  batchMs: {
    doc: 'Milliseconds events wait to be written together: what kill -9 may lose at most.',
    format: 'nat',
    default: 100,
  },
  maxAgeDays: { doc: 'Events older than this many days are dropped from the log (0: no age limit).', format: Number, default: 30 },
  maxMb: { doc: 'Size of the database file the log is kept under, in MB; the oldest events go first (0: no size limit).', format: Number, default: 512 },
  pruneIntervalS: { doc: 'Seconds between two retention passes (one also runs at start).', format: 'nat', default: 60 },
});
