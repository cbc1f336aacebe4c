/**
 * Reading config.yaml: YAML parse errors become ConfigErrors naming the file and the line, and
 * each plugin's own section (`plugins.<id>`) is split off before schema validation.
 */
import { existsSync, readFileSync } from 'node:fs';
import YAML from 'yaml';
import { ConfigError } from './settings-service.js';
import { migrateDocument } from './config-migrations.js';

export interface ParsedConfig {
  document: YAML.Document;
  /** offsets to lines, for errors that name the line of a key */
  lines: YAML.LineCounter;
  /** the version the file was in when older than this cuttle's (migrated in memory: see config-migrations.ts) */
  migratedFrom?: number;
  /** what convict validates: the file without plugin sections */
  core: Record<string, unknown>;
  /** `plugins.<id>` sections by plugin id */
  plugins: Record<string, Record<string, unknown>>;
}

/** `hostPluginKeys`: the keys under `plugins:` that are settings (paths, disabled, …), not plugin sections. */
export function readConfigFile(file: string, hostPluginKeys: readonly string[]): ParsedConfig {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const lines = new YAML.LineCounter();
  const document = YAML.parseDocument(text, { prettyErrors: true, lineCounter: lines });
  if (document.errors.length > 0) {
    const first = document.errors[0]!;
    throw new ConfigError(file, '', `is not valid YAML: ${first.message.split('\n')[0]}`);
  }
  const migratedFrom = migrateDocument(document, file);
  const value: unknown = document.toJS() ?? {};
  if (typeof value !== 'object' || Array.isArray(value) || value === null) {
    throw new ConfigError(file, '', 'must hold a mapping of settings at the top level');
  }
  const core = { ...(value as Record<string, unknown>) };
  const plugins: Record<string, Record<string, unknown>> = {};
  const pluginSection = core['plugins'];
  if (pluginSection !== undefined && pluginSection !== null) {
    if (typeof pluginSection !== 'object' || Array.isArray(pluginSection)) {
      throw new ConfigError(file, 'plugins', `must be a mapping (${hostPluginKeys.join(', ')}, and one section per plugin id)`);
    }
    const kept: Record<string, unknown> = {};
    for (const [key, section] of Object.entries(pluginSection as Record<string, unknown>)) {
      if (hostPluginKeys.includes(key)) kept[key] = section;
      else if (section === null || section === undefined) plugins[key] = {};
      else if (typeof section === 'object' && !Array.isArray(section)) plugins[key] = section as Record<string, unknown>;
      else throw new ConfigError(file, `plugins.${key}`, "must be a mapping of that plugin's settings");
    }
    core['plugins'] = kept;
  }
  return { document, lines, migratedFrom, core, plugins };
}
