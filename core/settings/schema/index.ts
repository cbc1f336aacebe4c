/**
 * The whole configuration schema: one fragment per service, merged here. Every key has a doc,
 * a format and a default; `npm run docs:config` could list them, and start-up validation names
 * the key and the file for any bad value.
 */
import type convict from 'convict';
import { defineSettings, type SettingsSection } from '../settings-section.js';
import { clientsSchema, type ClientsConfig } from './clients.js';
import { pluginsSchema, type PluginsConfig } from './plugins.js';
import { pushSchema, type PushConfig } from './push.js';
import { serverSchema, type ServerConfig } from './server.js';

export type Config = ServerConfig &
  ClientsConfig &
  PluginsConfig &
  PushConfig;

export const configSchema = {
  ...serverSchema,
  ...clientsSchema,
  ...pluginsSchema,
  ...pushSchema,
} as convict.Schema<Config>;

/** The fragments not yet contributed by their modules, one section per top-level key (bound by core/settings/module.ts). */
export const centralSections: SettingsSection[] = Object.entries(configSchema).map(([key, schema]) => defineSettings(key, schema as never));

