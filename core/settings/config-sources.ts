/**
 * Where each setting comes from: its default, config.yaml (with the line), the environment
 * (`CUTTLE_<KEY>`, derived from every key so no module has to name one), a file holding a secret
 * (`<key>File`, for every sensitive setting), or the command line's `--set`. The settings apply them
 * in that order (defaults < config.yaml < environment < --set) and keep each value's origin for
 * `cuttle config show` and for errors that name the line or the variable.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { isSchemaLeaf, type SchemaLeaf } from './settings-schema.js';

export type Origin =
  | { kind: 'default' }
  | { kind: 'file'; file: string; line?: number }
  | { kind: 'env'; name: string }
  | { kind: 'secret-file'; file: string; key: string }
  | { kind: 'set' };

/** One setting of the assembled schema, by its dotted key. */
export interface SchemaEntry {
  key: string;
  leaf: SchemaLeaf;
}

/** Every setting of an assembled schema (core/settings/settings-section.ts assembleSchema). */
export function schemaEntries(schema: Record<string, unknown>, prefix = ''): SchemaEntry[] {
  const out: SchemaEntry[] = [];
  for (const [name, node] of Object.entries(schema)) {
    const key = prefix ? `${prefix}.${name}` : name;
    if (isSchemaLeaf(node)) out.push({ key, leaf: node });
    else if (node && typeof node === 'object') out.push(...schemaEntries(node as Record<string, unknown>, key));
  }
  return out;
}

/** The environment variable of a dotted key: `server.port` → CUTTLE_SERVER_PORT, `api.keyFile` → CUTTLE_API_KEY_FILE. */
export function envName(key: string): string {
  return `CUTTLE_${key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[.-]/g, '_').toUpperCase()}`;
}

/** The name a secret's file is given under: `api.key` → `api.keyFile`. */
export function secretFileKey(key: string): string {
  return `${key}File`;
}

/**
 * Adds `<name>File` beside every sensitive setting of an assembled schema (in place), so a secret
 * can be kept out of config.yaml and the environment (Docker or systemd credentials, a 0600 file).
 */
export function addSecretFileKeys(schema: Record<string, unknown>): void {
  for (const { key, leaf } of schemaEntries(schema)) {
    if (!leaf.sensitive) continue;
    const parts = key.split('.');
    let node = schema;
    for (const part of parts.slice(0, -1)) node = node[part] as Record<string, unknown>;
    const name = `${parts.at(-1)!}File`;
    if (name in node) throw new Error(`setting "${key}" is sensitive, and "${secretFileKey(key)}" is already declared`);
    node[name] = { doc: `A file holding ${key} (read at start; its trailing newline dropped). Wins over ${key} from any other source.`, format: String, default: '' };
  }
}

/** The value an environment variable gives a setting: text as is for a string setting, else read as YAML (numbers, booleans, lists). */
function envValue(leaf: SchemaLeaf, raw: string): unknown {
  if (leaf.format === String || typeof leaf.default === 'string') return raw;
  try {
    return YAML.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/**
 * The settings the environment sets: `CUTTLE_<KEY>` for every key, or the older name a module
 * declared (`env:` in its schema, e.g. CUTTLE_PORT), which the derived name wins over.
 */
export function environmentValues(entries: readonly SchemaEntry[], env: NodeJS.ProcessEnv): { key: string; value: unknown; name: string }[] {
  const out: { key: string; value: unknown; name: string }[] = [];
  for (const { key, leaf } of entries) {
    const names = [envName(key), ...(leaf.env ? [leaf.env] : [])];
    const name = names.find((n) => env[n] !== undefined);
    if (name) out.push({ key, value: envValue(leaf, env[name]!), name });
  }
  return out;
}

/** A secret read from its file (relative paths from the basedir), without the trailing newline editors add. */
export function readSecretFile(basedir: string, file: string): string {
  return readFileSync(path.resolve(basedir, file), 'utf8').replace(/\r?\n$/, '');
}

/** The 1-based line of a dotted key's entry in config.yaml's document, if the file has it. */
export function lineOfKey(document: YAML.Document, lines: YAML.LineCounter, key: string): number | undefined {
  const parts = key.split('.');
  let node: unknown = document.contents;
  let offset: number | undefined;
  for (const part of parts) {
    if (!YAML.isMap(node)) return undefined;
    const pair = node.items.find((p) => (YAML.isScalar(p.key) ? String(p.key.value) : p.key) === part);
    if (!pair) return undefined;
    offset = YAML.isNode(pair.key) ? pair.key.range?.[0] : undefined;
    node = pair.value;
  }
  return offset === undefined ? undefined : lines.linePos(offset).line;
}

/** Whether the file sets a dotted key (as a leaf of the schema or somewhere within one). */
export function fileHas(core: Record<string, unknown>, key: string): boolean {
  return fileValue(core, key) !== undefined;
}

/** What the file sets a dotted key to: `{ value }`, or undefined when it does not set it. */
export function fileValue(core: Record<string, unknown>, key: string): { value: unknown } | undefined {
  let node: unknown = core;
  for (const part of key.split('.')) {
    if (node === null || typeof node !== 'object' || Array.isArray(node) || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return { value: node };
}

/**
 * The first list setting (its default is an array) that the file gives a single value, as
 * `allowedHosts: 10.0.0.5` for `allowedHosts: [10.0.0.5]`: convict would split a string on commas
 * (keeping the spaces, so "a, b" allows " b", which matches nothing) or fail to parse it as JSON
 * without naming the key. Its key and what it is, or undefined when every list is a list.
 */
export function singleValueForList(entries: readonly SchemaEntry[], core: Record<string, unknown>): { key: string; problem: string } | undefined {
  for (const { key, leaf } of entries) {
    if (!Array.isArray(leaf.default)) continue;
    const set = fileValue(core, key);
    if (!set || Array.isArray(set.value) || (set.value === null && leaf.nullable)) continue;
    const given = typeof set.value === 'string' ? `the string ${JSON.stringify(set.value.length > 80 ? `${set.value.slice(0, 80)}…` : set.value)}` : set.value === null ? 'nothing' : `a ${typeof set.value}`;
    return { key, problem: `must be a list (YAML "- item" lines, or [a, b]), not ${given}` };
  }
  return undefined;
}

/** An origin as `cuttle config show` prints it. */
export function describeOrigin(origin: Origin): string {
  switch (origin.kind) {
    case 'default':
      return 'default';
    case 'file':
      return origin.line ? `${origin.file}:${origin.line}` : origin.file;
    case 'env':
      return `env ${origin.name}`;
    case 'secret-file':
      return `file ${origin.file} (${origin.key})`;
    case 'set':
      return '--set';
  }
}
