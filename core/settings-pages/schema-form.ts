/**
 * A convict schema (a core section's or a plugin's) described as form fields a browser can render:
 * each setting's kind (from its `format`, or its default's type when the format is a checking
 * function), its choices, bounds, default and doc, groups nested. Sensitive settings are never sent
 * back: their value is replaced by '' and the field says whether one is set; null clears one.
 */
import { isSchemaLeaf } from '../settings/settings-schema.js';

/** How a setting is edited: a checkbox, a number, a line of text, one of a list, a list of lines, or JSON. */
export type FieldKind = 'boolean' | 'number' | 'integer' | 'text' | 'choice' | 'list' | 'json';

export interface SettingField {
  kind: 'field';
  /** the full dotted key in config.yaml (`plugins.mqtt.qos`): what an error names */
  key: string;
  /** the last part of the key */
  name: string;
  doc: string;
  type: FieldKind;
  /** the default (a sensitive setting's is not sent) */
  default: unknown;
  choices?: readonly (string | number | boolean)[];
  min?: number;
  max?: number;
  nullable: boolean;
  sensitive: boolean;
  /** a sensitive setting: whether a value is set (it is never sent) */
  set?: boolean;
}

export interface SettingGroup {
  kind: 'group';
  key: string;
  name: string;
  fields: SettingNode[];
}

export type SettingNode = SettingField | SettingGroup;

/** A schema node as both kinds of schema hold it: a leaf with `default`, a group, or (a plugin's shorthand) a bare default. */
type AnySchema = { readonly [key: string]: unknown };

const NUMBER_FORMATS: Record<string, { type: FieldKind; min?: number; max?: number }> = {
  int: { type: 'integer' },
  nat: { type: 'integer', min: 0 },
  port: { type: 'integer', min: 0, max: 65535 },
  duration: { type: 'integer', min: 0 },
  timestamp: { type: 'integer', min: 0 },
};

/** The kind a setting is edited as, from what the leaf says. */
function kindOf(format: unknown, fallback: unknown): Pick<SettingField, 'type' | 'choices' | 'min' | 'max'> {
  if (format === Boolean) return { type: 'boolean' };
  if (format === Number) return { type: 'number' };
  if (format === String) return { type: 'text' };
  if (typeof format === 'string') return NUMBER_FORMATS[format] ?? { type: 'text' };
  if (Array.isArray(format)) return { type: 'choice', choices: format as (string | number | boolean)[] };
  // Array, a checking function, or no format: the default tells
  if (typeof fallback === 'boolean') return { type: 'boolean' };
  if (typeof fallback === 'number') return { type: 'number' };
  if (typeof fallback === 'string') return { type: 'text' };
  if (Array.isArray(fallback) && fallback.every((item) => typeof item === 'string')) return { type: 'list' };
  return { type: 'json' };
}

/** The form fields of a schema whose settings sit under `prefix` (`timelapse`, `plugins.mqtt`); `omit`: keys edited elsewhere. */
export function describeSchema(schema: AnySchema, prefix: string, values: Record<string, unknown>, omit: readonly string[] = []): SettingNode[] {
  const nodes: SettingNode[] = [];
  for (const [name, node] of Object.entries(schema)) {
    const key = `${prefix}.${name}`;
    if (omit.includes(key)) continue;
    const value = values[name];
    if (node !== null && typeof node === 'object' && !Array.isArray(node) && !isSchemaLeaf(node)) {
      nodes.push({ kind: 'group', key, name, fields: describeSchema(node as AnySchema, key, (value ?? {}) as Record<string, unknown>, omit) });
      continue;
    }
    const leaf = isSchemaLeaf(node) ? (node as { doc?: string; format?: unknown; default: unknown; nullable?: boolean; sensitive?: boolean }) : { default: node };
    const sensitive = leaf.sensitive === true;
    nodes.push({
      kind: 'field',
      key,
      name,
      doc: leaf.doc ?? '',
      ...kindOf(leaf.format, leaf.default ?? value),
      default: sensitive ? '' : leaf.default,
      nullable: leaf.nullable === true,
      sensitive,
      ...(sensitive ? { set: value !== '' && value !== null && value !== undefined } : {}),
    });
  }
  return nodes;
}

/** The values with each sensitive setting's replaced by ''. */
export function redactedValues(nodes: readonly SettingNode[], values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const node of nodes) {
    const value = values[node.name];
    if (node.kind === 'group') out[node.name] = redactedValues(node.fields, (value ?? {}) as Record<string, unknown>);
    else out[node.name] = node.sensitive ? '' : value;
  }
  return out;
}

/**
 * A change as asked (a nested object of the page's values) checked against the fields: the leaves to
 * set, with their dotted keys. A sensitive setting sent as '' is left as it is (the form shows it
 * empty, so '' cannot mean "none"); sent as null it is cleared (to null if it may be, else ''). An
 * unknown key throws a FieldError naming it.
 */
export function changedLeaves(nodes: readonly SettingNode[], patch: unknown, prefix: string): [string, unknown][] {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) throw new FieldError(prefix, 'must be a JSON object of settings');
  const out: [string, unknown][] = [];
  for (const [name, value] of Object.entries(patch)) {
    const node = nodes.find((n) => n.name === name);
    if (!node) throw new FieldError(`${prefix}.${name}`, 'is not a setting of this page');
    if (node.kind === 'group') out.push(...changedLeaves(node.fields, value, node.key));
    else if (node.sensitive && value === null) out.push([node.key, node.nullable ? null : '']);
    else if (!(node.sensitive && value === '')) out.push([node.key, value]);
  }
  return out;
}

/** A refused value, with the dotted key of the setting it is for. */
export class FieldError extends Error {
  constructor(
    readonly key: string,
    readonly problem: string,
  ) {
    super(`"${key}" ${problem}`);
    this.name = 'FieldError';
  }
}
