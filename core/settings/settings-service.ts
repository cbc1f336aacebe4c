/**
 * The settings contract: the validated configuration (`config.yaml` under the basedir, then
 * environment, then command line) in the sections the modules contribute, each read through
 * `of(section)`; each plugin's own settings; and atomic saving.
 * Saving fires `onDidSave`; the settings-events plugin turns that into `SettingsUpdated`.
 */
import type { Event } from '../common/event.js';
import type { FolderName } from './folders.js';
import type { SectionSchema, SectionSettings, SettingsSection } from './settings-section.js';

export type { FolderName } from './folders.js';

export interface SettingsService {
  /** folder that holds config.yaml, uploads, timelapses, logs */
  readonly basedir: string;
  /** the config.yaml in use */
  readonly configFile: string;
  /** Set when config.yaml was in an older version: the version, and the copy of the old file when the migrated one was written. */
  readonly migration?: { from: number; backup?: string };
  /** Where a key's value was set, for an error to name: `line N` of config.yaml, `env NAME`, `--set`; undefined for a default. */
  where(key: string): string | undefined;
  /** A module's section, typed by its schema (see settings-section.ts). */
  of<S extends SectionSchema>(section: SettingsSection<S>): SectionSettings<S>;
  /** A setting by its dotted key, untyped: for tables of keys (OctoPrint's settings document); a module reads its own section with `of`. */
  valueAt(key: string): unknown;
  /** Validates the values (dotted keys) together and applies all of them or, on a ConfigError (naming the key), none; `save()` makes them last. */
  setMany(values: ReadonlyArray<readonly [string, unknown]>): void;
  /**
   * Writes config.yaml atomically (temporary file, then rename), keeping its comments. Saves are
   * serialised: one write at a time, and the saves asked for meanwhile share the next one.
   */
  save(): Promise<void>;
  /** Removes temporary files of config.yaml that a save killed mid-write left behind; the names removed. */
  sweepTemporaries(): Promise<string[]>;
  /** A plugin's settings: its defaults overlaid with `plugins.<id>` from the file. */
  pluginSettings<T extends object = Record<string, unknown>>(id: string, defaults?: T): T;
  setPluginSettings(id: string, values: Record<string, unknown>): void;
  /** Absolute path of a configured folder, created if missing. */
  folder(name: FolderName): string;
  readonly onDidSave: Event<{ keys: string[] }>;
}
export const SettingsService = Symbol.for('cuttle.SettingsService');

/** A configuration problem, with the file and key it concerns, and the line (or the environment variable) that set the key. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly key: string,
    readonly problem: string,
    /** where in the file, or what else, set the key: `line 4`, `CUTTLE_SERVER_PORT` */
    readonly where?: string,
  ) {
    super(`${file}: ${key ? `"${key}": ` : ''}${problem}${where ? ` (${where})` : ''}`);
    this.name = 'ConfigError';
  }
}
