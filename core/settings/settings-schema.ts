/**
 * Convict schema fragments and the value type inferred from them, so a schema is written once and
 * its readers are typed by it (no interface repeating the schema). A leaf is an object with a
 * `default` (as convict decides); anything else is a node whose keys recurse.
 */

/** One setting: convict's leaf. Its value type is the type of `default`. */
export interface SchemaLeaf {
  doc?: string;
  format?: unknown;
  default: unknown;
  env?: string;
  arg?: string;
  sensitive?: boolean;
  nullable?: boolean;
}

/** A group of settings. */
export interface SchemaNode {
  readonly [key: string]: SchemaLeaf | SchemaNode;
}

/** The value a schema describes: each leaf's `default` type, nested nodes recursing. */
export type SchemaValue<S> = S extends { default: infer D } ? D : { -readonly [K in keyof S]: SchemaValue<S[K]> };

/** A change to part of a schema's value: any subset of its leaves, each replaced whole. */
export type SchemaPatch<S> = S extends { default: infer D } ? D : { [K in keyof S]?: SchemaPatch<S[K]> };

export function isSchemaLeaf(node: unknown): node is SchemaLeaf {
  return typeof node === 'object' && node !== null && 'default' in node;
}

/**
 * A setting that takes one of `values` (convict's enum format), typed as their union, e.g.
 * `level: { doc: '…', ...choice(['info', 'debug'], 'info') }`: the list is written once.
 */
export function choice<const T extends string>(values: readonly T[], fallback: NoInfer<T>): { format: T[]; default: T } {
  return { format: [...values], default: fallback };
}

/** The defaults a schema holds, as a plain value (what the settings are before any file is read). */
export function schemaDefaults<S extends SchemaNode>(schema: S): SchemaValue<S> {
  const out: Record<string, unknown> = {};
  for (const [key, node] of Object.entries(schema)) out[key] = isSchemaLeaf(node) ? structuredClone(node.default) : schemaDefaults(node);
  return out as SchemaValue<S>;
}
