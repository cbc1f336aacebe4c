/**
 * SettingsService over convict: defaults < config.yaml < environment < command-line overrides,
 * validated strictly (an unknown key or a wrong type stops start-up with the file and key named).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import convict from 'convict';
import type YAML from 'yaml';
import { Emitter } from '../common/event.js';
import { sweepTemporaries, writeFileAtomic } from '../common/atomic-write.js';
import type { SchemaValue } from './settings-schema.js';
import { assembleSchema, patchEntries, type SectionSchema, type SectionSettings, type SettingsSection } from './settings-section.js';
import { withFileLock } from '../common/file-lock.js';
import { ConfigError, type FolderName, type SettingsService } from './settings-service.js';
import { assignIn } from './yaml-assign.js';
import { readConfigFile } from './yaml-config.js';
import { CONFIG_VERSION, persistMigration } from './config-migrations.js';
import { addSecretFileKeys, describeOrigin, environmentValues, fileHas, lineOfKey, readSecretFile, schemaEntries, secretFileKey, singleValueForList, type Origin, type SchemaEntry } from './config-sources.js';
import { makeDirectorySync } from '../common/make-directory.js';

export interface SettingsOptions {
  basedir: string;
  /** config.yaml to use; `<basedir>/config.yaml` when absent */
  configFile?: string;
  /** dotted keys set over file and environment (the CLI's --host/--port …) */
  overrides?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  /** write an older config.yaml migrated (keeping the old as config.yaml.v<N>.bak): `cuttle serve`; other commands read it migrated in memory only */
  migrate?: boolean;
  /** every module's settings section (core/container.ts collects the core's): the schema config.yaml is validated against */
  sections: readonly SettingsSection[];
}

export class ConvictSettings implements SettingsService {
  readonly basedir: string;
  readonly configFile: string;
  /** the version config.yaml was in, when it was older and has been migrated; and the copy of the old file, when written */
  readonly migration?: { from: number; backup?: string };
  /** convict over the assembled sections: keys are dotted strings, typed by the sections' views */
  private readonly config: convict.Config<Record<string, unknown>>;
  private readonly document: YAML.Document;
  private readonly lines: YAML.LineCounter;
  private readonly entries: readonly SchemaEntry[];
  /** each setting not at its default: where its value came from */
  private readonly origins = new Map<string, Origin>();
  private readonly plugins: Record<string, Record<string, unknown>>;
  private readonly changed = new Set<string>();
  private readonly didSave = new Emitter<{ keys: string[] }>();
  readonly onDidSave = this.didSave.event;
  private readonly didChange = new Emitter<{ keys: string[] }>();
  private readonly declared: ReadonlySet<SettingsSection>;
  private readonly views = new Map<SettingsSection, SectionSettings<SectionSchema>>();
  /** the save waiting to start (saves asked for meanwhile share it) and the one before it */
  private queuedSave: Promise<void> | undefined;
  private lastSave: Promise<void> = Promise.resolve();

  constructor(options: SettingsOptions) {
    this.basedir = path.resolve(options.basedir);
    this.configFile = path.resolve(options.configFile ?? path.join(this.basedir, 'config.yaml'));
    this.declared = new Set(options.sections);
    const schema = assembleSchema(options.sections);
    addSecretFileKeys(schema);
    this.entries = schemaEntries(schema);
    // what the sections declare under `plugins:` is the host's; every other key there is a plugin's section
    const parsed = readConfigFile(this.configFile, Object.keys((schema['plugins'] as object | undefined) ?? {}));
    this.document = parsed.document;
    this.lines = parsed.lines;
    this.plugins = parsed.plugins;
    // the environment is read here (every key has its CUTTLE_ name), not by convict, which knows only declared names
    this.config = convict(schema as convict.Schema<Record<string, unknown>>, { env: {}, args: [] });
    for (const { key } of this.entries) {
      if (fileHas(parsed.core, key)) this.origins.set(key, { kind: 'file', file: this.configFile, line: lineOfKey(this.document, this.lines, key) });
    }
    this.validated(() => {
      const single = singleValueForList(this.entries, parsed.core);
      if (single) throw new ConfigError(this.configFile, single.key, single.problem);
      this.config.load(parsed.core);
      for (const { key, value, name } of environmentValues(this.entries, options.env ?? process.env)) {
        this.config.set(key, value);
        this.origins.set(key, { kind: 'env', name });
      }
      for (const [key, value] of Object.entries(options.overrides ?? {})) {
        this.config.set(key, value);
        this.origins.set(key, { kind: 'set' });
      }
      this.readSecretFiles();
    });
    if (parsed.migratedFrom !== undefined) {
      this.migration = { from: parsed.migratedFrom, backup: options.migrate ? persistMigration(this.configFile, this.document, parsed.migratedFrom) : undefined };
    }
  }

  /** Sets each sensitive setting whose `<key>File` names a file from that file's text (after every other source: the file is the deliberate choice). */
  private readSecretFiles(): void {
    for (const { key, leaf } of this.entries) {
      if (!leaf.sensitive) continue;
      const fileKey = secretFileKey(key);
      const file = this.config.get(fileKey);
      if (typeof file !== 'string' || file === '') continue;
      let secret: string;
      try {
        secret = readSecretFile(this.basedir, file);
      } catch (err) {
        throw new ConfigError(this.configFile, fileKey, `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, this.where(fileKey));
      }
      this.config.set(key, secret);
      this.origins.set(key, { kind: 'secret-file', file, key: fileKey });
    }
  }

  /** Where a key's value was set: `line N` of config.yaml, the environment variable, or --set. */
  where(key: string): string | undefined {
    const origin = this.origins.get(key) ?? { kind: 'file', file: this.configFile, line: lineOfKey(this.document, this.lines, key) };
    if (origin.kind === 'file') return origin.line ? `line ${origin.line}` : undefined;
    if (origin.kind === 'default') return undefined;
    return describeOrigin(origin);
  }

  /** Every setting with its effective value (sensitive ones redacted) and where it came from: `cuttle config show`. */
  effective(): EffectiveSetting[] {
    return this.entries.map(({ key, leaf }) => {
      const sensitive = leaf.sensitive === true;
      return { key, value: redacted(sensitive, this.config.get(key)), origin: this.origins.get(key) ?? { kind: 'default' }, sensitive };
    });
  }

  /**
   * A plugin's settings (its validated values, one per leaf of its schema: `path` below `plugins.<id>`)
   * as `effective()` rows: from config.yaml with the line, or the schema's default.
   */
  effectiveOfPlugin(id: string, leaves: readonly { path: string; value: unknown; sensitive: boolean }[]): EffectiveSetting[] {
    return leaves.map(({ path: leafPath, value, sensitive }) => {
      const key = `plugins.${id}.${leafPath}`;
      const origin: Origin = fileHas(this.plugins[id] ?? {}, leafPath) ? { kind: 'file', file: this.configFile, line: lineOfKey(this.document, this.lines, key) } : { kind: 'default' };
      return { key, value: redacted(sensitive, value), origin, sensitive };
    });
  }

  of<S extends SectionSchema>(section: SettingsSection<S>): SectionSettings<S> {
    let view = this.views.get(section);
    if (!view) {
      if (!this.declared.has(section)) throw new Error(`settings section "${section.key}" is not contributed: bind it to SettingsContribution in its module`);
      const config = this.config;
      const owned = (key: string) => ownsKey(section, key);
      view = {
        key: section.key,
        get: () => config.get(section.key) as SchemaValue<SectionSchema>,
        update: (patch) => this.setMany(patchEntries(section, patch)),
        onDidChange: (listener, thisArgs, disposables) =>
          this.didChange.event(({ keys }) => {
            const mine = keys.filter(owned);
            if (mine.length) listener.call(thisArgs, { keys: mine });
          }, undefined, disposables),
      };
      this.views.set(section, view);
    }
    return view as SectionSettings<S>;
  }

  valueAt(key: string): unknown {
    return this.config.get(key);
  }

  setMany(values: ReadonlyArray<readonly [string, unknown]>): void {
    const previous = values.map(([key]) => [key, this.config.get(key)] as const);
    try {
      this.validated(() => {
        for (const [key, value] of values) this.config.set(key, value as never);
      });
    } catch (err) {
      for (const [key, value] of previous.reverse()) this.config.set(key, value as never);
      throw err;
    }
    for (const [key, value] of values) {
      assignIn(this.document, key.split('.'), value);
      this.changed.add(key);
      this.origins.set(key, { kind: 'file', file: this.configFile });
    }
    if (values.length) this.didChange.fire({ keys: values.map(([key]) => key) });
  }

  save(): Promise<void> {
    if (!this.queuedSave) {
      const next = this.lastSave.then(() => {
        this.queuedSave = undefined;
        return this.write();
      });
      this.queuedSave = next;
      this.lastSave = next.catch(() => undefined);
    }
    return this.queuedSave;
  }

  /** Removes temporary files of config.yaml left by a save that was killed mid-write. */
  sweepTemporaries(): Promise<string[]> {
    return sweepTemporaries(path.dirname(this.configFile), path.basename(this.configFile));
  }

  private async write(): Promise<void> {
    const keys = [...this.changed];
    this.changed.clear();
    // a file cuttle writes is in today's shape: stamped, so the next start has nothing to migrate
    if (!this.document.has('version')) this.document.set('version', CONFIG_VERSION);
    try {
      // under the lock the CLI's edits of config.yaml hold too, so neither overwrites the other mid-edit
      await withFileLock(this.configFile, () => writeFileAtomic(this.configFile, String(this.document)));
    } catch (err) {
      for (const key of keys) this.changed.add(key);
      throw err;
    }
    this.didSave.fire({ keys });
  }

  pluginSettings<T extends object = Record<string, unknown>>(id: string, defaults?: T): T {
    return deepMerge(defaults ?? {}, this.plugins[id] ?? {}) as T;
  }

  setPluginSettings(id: string, values: Record<string, unknown>): void {
    this.plugins[id] = deepMerge(this.plugins[id] ?? {}, values);
    for (const [key, value] of Object.entries(values)) this.document.setIn(['plugins', id, key], value);
    this.changed.add(`plugins.${id}`);
  }

  folder(name: FolderName): string {
    const configured = this.config.get(`folder.${name}`);
    const absolute = path.resolve(this.basedir, configured);
    makeDirectorySync(absolute);
    return absolute;
  }

  /** Runs a change and strict validation, turning convict's messages into a ConfigError. */
  private validated(change: () => void): void {
    try {
      change();
      this.config.validate({ allowed: 'strict' });
    } catch (err) {
      const error = toConfigError(this.configFile, err);
      throw error.where || !error.key ? error : new ConfigError(error.file, error.key, error.problem, this.where(error.key));
    }
  }
}

/** One row of `cuttle config show`. */
export interface EffectiveSetting {
  key: string;
  value: unknown;
  origin: Origin;
  sensitive: boolean;
}

/** A secret's value as shown: `<redacted>` unless empty (an empty one says it is not set). */
function redacted(sensitive: boolean, value: unknown): unknown {
  return sensitive && value !== '' ? '<redacted>' : value;
}

/** Whether a dotted key names a setting (or a group) of the section's own schema. */
function ownsKey(section: SettingsSection, key: string): boolean {
  if (key === section.key) return true;
  if (!key.startsWith(`${section.key}.`)) return false;
  let node: unknown = section.schema;
  for (const part of key.slice(section.key.length + 1).split('.')) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, part)) return false;
    node = (node as Record<string, unknown>)[part];
  }
  return true;
}

/** Turns convict's message into a ConfigError naming the key; `prefix` is put before keys (a plugin's `plugins.<id>.`). */
export function toConfigError(file: string, err: unknown, prefix = ''): ConfigError {
  if (err instanceof ConfigError) return err;
  const lines = String((err as Error)?.message ?? err).split('\n').filter(Boolean);
  const first = lines[0] ?? 'invalid configuration';
  const undeclared = /configuration param '([^']+)' not declared in the schema/.exec(first);
  const more = lines.length > 1 ? ` (and ${lines.length - 1} more: ${lines.slice(1).join('; ')})` : '';
  if (undeclared) return new ConfigError(file, prefix + undeclared[1]!, `is not a known setting${more}`);
  const keyed = /^([\w.]+): (.*)$/.exec(first);
  if (keyed) return new ConfigError(file, prefix + keyed[1]!, `expected ${keyed[2]}${more}`);
  return new ConfigError(file, '', first + more);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepMerge(base: object, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(over)) {
    out[key] = isPlainObject(value) && isPlainObject(out[key]) ? deepMerge(out[key] as object, value) : value;
  }
  return out;
}
