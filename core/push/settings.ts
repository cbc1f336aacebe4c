/** The live push channel's settings (`push.*`) and the connectivity check's (`onlineCheck.*`), contributed by pushModule. */
import type { SchemaValue } from '../settings/settings-schema.js';
import { defineSettings } from '../settings/settings-section.js';

/** A terminal shows a few hundred lines; the feeds reserve their bytes up front (state-feed.ts), per printer. */
const MAX_LOG_LINES = 10_000;

export const pushSettings = defineSettings('push', {
  rateHz: { doc: 'Most `current` messages per second to one client (a client may slow it further with `throttle`).', format: Number, default: 2 },
  sendWindow: {
    doc: 'Messages handed to one client\'s transport and not yet written to its network socket; past it the hub keeps them queued.',
    format: 'nat',
    default: 256,
  },
  clientQueueLimit: {
    doc: 'Events the hub queues for one slow client; past it the client catches up from the event history, or gets `gap` when that is gone.',
    format: 'nat',
    default: 1000,
  },
  replayBatch: { doc: 'Events read from the history per step when a client resumes or catches up.', format: 'nat', default: 256 },
  historyEvents: { doc: 'Most recent events included in the `history` message after connecting.', format: 'nat', default: 50 },
  logLines: {
    doc: 'Log lines kept for `history`, and most log lines in one `current` (0 to 10 000: each printer keeps room for four times as many).',
    format: (value: unknown) => {
      if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > MAX_LOG_LINES) throw new Error(`must be a whole number from 0 to ${MAX_LOG_LINES}`);
    },
    default: 300,
  },
  wireInternals: {
    doc: 'Encode each broadcast once and write the websocket frame straight to each client (engine.io/ws internals, self-checked at start; when the check fails the public API is used). false: always the public API.',
    format: Boolean,
    default: true,
  },
  redis: {
    url: {
      doc: 'redis:// URL; when set, cuttle processes sharing it form one push cluster (socket.io redis adapter): every broadcast reaches every client.',
      format: String,
      default: '',
      env: 'CUTTLE_PUSH_REDIS_URL',
      sensitive: true,
    },
  },
});

export type PushSettings = SchemaValue<typeof pushSettings.schema>;

export const onlineCheckSettings = defineSettings('onlineCheck', {
  enabled: { doc: 'Check internet connectivity on a schedule (OctoPrint\'s server.onlineCheck); changes fire ConnectivityChanged.', format: Boolean, default: false },
  host: { doc: 'Host to open a TCP connection to.', format: String, default: '1.1.1.1' },
  port: { doc: 'Port to open a TCP connection to.', format: 'port', default: 53 },
  interval: { doc: 'Seconds between checks (scheduled with node-cron).', format: 'nat', default: 900 },
  timeoutMs: { doc: 'A connection not open after this many milliseconds counts as offline.', format: 'nat', default: 2000 },
});
