/**
 * Settings contributed per module (as Theia's preference contributions): a module declares its
 * section, a schema fragment placed at a dotted key, beside its ContainerModule and binds it to
 * `SettingsContribution`. The host collects every section before any service runs and validates
 * config.yaml against them together; services read their section through `settings.of(section)`,
 * typed by the schema.
 */
import type { Event } from '../common/event.js';
import { isSchemaLeaf, type SchemaLeaf, type SchemaNode, type SchemaPatch, type SchemaValue } from './settings-schema.js';

/** A section's schema: a group of settings, or one setting (such as the `printers` list). */
export type SectionSchema = SchemaNode | SchemaLeaf;

export interface SettingsSection<S extends SectionSchema = SectionSchema> {
  /** where the fragment sits in config.yaml, e.g. `serial` or `events.log` */
  readonly key: string;
  readonly schema: S;
}

/** Declares a module's settings: `defineSettings('serial', { port: { doc, format, default }, … })`. */
export function defineSettings<S extends SectionSchema>(key: string, schema: S): SettingsSection<S> {
  return { key, schema };
}

/** Bound (multi) to each module's SettingsSection. */
export const SettingsContribution = Symbol.for('cuttle.SettingsContribution');

/** One section's live view: the values now (validated, with the file's and the environment's changes) and its changes. */
export interface SectionSettings<S extends SectionSchema> {
  readonly key: string;
  /** The section's current values: a copy, read again after a change. */
  get(): SchemaValue<S>;
  /** Validates and applies the leaves given, together (all or none: a ConfigError names the key); `save()` makes them last. */
  update(patch: SchemaPatch<S>): void;
  /** Fires after values of this section were applied, with their dotted keys. */
  readonly onDidChange: Event<{ keys: string[] }>;
}

/** The dotted keys and values a patch sets, one per leaf it holds. */
export function patchEntries(section: SettingsSection, patch: unknown): [string, unknown][] {
  if (isSchemaLeaf(section.schema)) return [[section.key, patch]];
  const entries: [string, unknown][] = [];
  const walk = (schema: SchemaNode, value: object, prefix: string) => {
    for (const [key, child] of Object.entries(value)) {
      const node = schema[key];
      if (node === undefined || child === undefined) continue;
      if (isSchemaLeaf(node)) entries.push([`${prefix}.${key}`, child]);
      else if (child !== null && typeof child === 'object') walk(node, child, `${prefix}.${key}`);
    }
  };
  if (patch !== null && typeof patch === 'object') walk(section.schema, patch, section.key);
  return entries;
}

/**
 * The whole schema: each section placed at its key. Two sections may share a node (`events` and
 * `events.log`) but never a setting.
 */
export function assembleSchema(sections: readonly SettingsSection[]): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const section of sections) {
    const parts = section.key.split('.');
    let node = root;
    for (const part of parts.slice(0, -1)) node = child(node, part, section.key);
    const last = parts.at(-1)!;
    if (!isSchemaLeaf(section.schema)) merge(child(node, last, section.key), section.schema, section.key);
    else if (last in node) throw new Error(`settings section "${section.key}" is declared twice`);
    else node[last] = section.schema;
  }
  return root;
}

function child(node: Record<string, unknown>, key: string, owner: string): Record<string, unknown> {
  const existing = node[key];
  if (existing === undefined) return (node[key] = {}) as Record<string, unknown>;
  if (isSchemaLeaf(existing)) throw new Error(`settings section "${owner}": "${key}" is already a setting`);
  return existing as Record<string, unknown>;
}

function merge(target: Record<string, unknown>, schema: SchemaNode, owner: string): void {
  for (const [key, node] of Object.entries(schema)) {
    if (isSchemaLeaf(node)) {
      if (key in target) throw new Error(`settings section "${owner}": "${key}" is declared twice`);
      target[key] = node;
    } else merge(child(target, key, owner), node, owner);
  }
}
