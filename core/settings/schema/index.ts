/**
 * The whole configuration schema: one fragment per service, merged here. Every key has a doc,
 * a format and a default; `npm run docs:config` could list them, and start-up validation names
 * the key and the file for any bad value.
 */
import type convict from 'convict';
import { clientsSchema, type ClientsConfig } from './clients.js';
import { eventLogSchema, type EventLogConfig } from './event-log.js';
import { eventsSchema, type EventsConfig } from './events.js';
import { filesSchema, type FilesConfig } from './files.js';
import { mediaSchema, type MediaConfig } from './media.js';
import { metricsSchema, type MetricsConfig } from './metrics.js';
import { pluginsSchema, type PluginsConfig } from './plugins.js';
import { printersSchema, type PrintersConfig } from './printers.js';
import { pushSchema, type PushConfig } from './push.js';
import { serialSchema, type SerialConfig } from './serial.js';
import { serverSchema, type ServerConfig } from './server.js';

export type Config = ServerConfig &
  ClientsConfig &
  EventsConfig &
  EventLogConfig &
  PluginsConfig &
  SerialConfig &
  PrintersConfig &
  FilesConfig &
  PushConfig &
  MediaConfig &
  MetricsConfig;

export const configSchema = {
  ...serverSchema,
  ...clientsSchema,
  events: { ...eventsSchema.events, ...eventLogSchema.events },
  ...pluginsSchema,
  ...serialSchema,
  ...printersSchema,
  ...filesSchema,
  ...pushSchema,
  ...mediaSchema,
  ...metricsSchema,
} as convict.Schema<Config>;

export type { SubscriptionConfig } from './events.js';
export type { PrinterEntry } from './printers.js';
