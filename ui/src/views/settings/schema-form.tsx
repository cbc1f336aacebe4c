/**
 * A settings page as a form, rendered from the fields the host describes from the schema
 * (`api/settings/pages`): a checkbox, a number, text, a choice, a list (a line each) or JSON per
 * setting, groups as fieldsets. Checked here first (numbers, bounds, JSON), then by the host, whose
 * refusal names the setting: each error is shown beside its field. Only changed settings are sent;
 * a secret is never shown: left empty it stays as it is, and a set one can be cleared (sent as null).
 */
import { useState } from 'preact/hooks';
import { api } from '../../api/http.js';
import type { SettingField, SettingNode, SettingsPage } from '../../api/types.js';
import { typedValue } from '../../lib/typed-number.js';
import { SaveBar, useSave } from './use-save.js';

/** What a field's input holds: text for most kinds, a boolean for a checkbox. */
type Draft = Record<string, string | boolean>;

function leaves(nodes: readonly SettingNode[]): SettingField[] {
  return nodes.flatMap((n) => (n.kind === 'group' ? leaves(n.fields) : [n]));
}

function valueAt(values: Record<string, unknown>, page: string, key: string): unknown {
  let node: unknown = values;
  for (const part of key.slice(page.length + 1).split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
  return node;
}

function shown(field: SettingField, value: unknown): string | boolean {
  if (field.type === 'boolean') return value === true;
  if (value === null || value === undefined) return '';
  if (field.type === 'list') return (value as string[]).join('\n');
  if (field.type === 'json') return JSON.stringify(value, null, 2);
  if (field.type === 'choice') return String(field.choices!.findIndex((c) => c === value));
  return String(value);
}

/** The value a field's input stands for, or an Error saying why it cannot be one. */
function parsed(field: SettingField, input: string | boolean): unknown {
  if (field.type === 'boolean') return input === true;
  const text = String(input);
  if (text.trim() === '' && field.nullable) return null;
  switch (field.type) {
    case 'number':
    case 'integer': {
      // as typed: a decimal comma too ('2,5' in a number field became 25)
      const n = typedValue(text);
      if (n === null) return new Error('needs a number');
      if (field.type === 'integer' && !Number.isInteger(n)) return new Error('needs a whole number');
      if (field.min !== undefined && n < field.min) return new Error(`needs at least ${field.min}`);
      if (field.max !== undefined && n > field.max) return new Error(`needs at most ${field.max}`);
      return n;
    }
    case 'choice':
      return field.choices![Number(text)];
    case 'list':
      return text.split('\n').map((line) => line.trim()).filter(Boolean);
    case 'json':
      try {
        return JSON.parse(text);
      } catch {
        return new Error('is not valid JSON');
      }
    default:
      return text;
  }
}

function setIn(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const part of path.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
  node[path.at(-1)!] = value;
}

const idOf = (key: string) => `setting-${key.replace(/[^\w-]/g, '_')}`;

interface FieldProps {
  field: SettingField;
  value: string | boolean;
  error?: string;
  onInput(v: string | boolean): void;
  /** a secret to be cleared at the next save */
  cleared: boolean;
  onClear(on: boolean): void;
}

function FieldInput({ field, value, error, onInput, cleared, onClear }: FieldProps) {
  const id = idOf(field.key);
  const described = [field.doc ? `${id}-doc` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const common = { id, name: field.key, 'aria-describedby': described, 'aria-invalid': error ? true : undefined };
  const text = (e: Event) => onInput((e.currentTarget as HTMLInputElement).value);
  let input;
  if (field.type === 'boolean') input = <input {...common} type="checkbox" checked={value === true} onChange={(e) => onInput((e.currentTarget as HTMLInputElement).checked)} />;
  else if (field.type === 'choice') {
    input = (
      <select {...common} value={String(value)} onChange={text}>
        {field.choices!.map((c, i) => (
          <option value={String(i)}>{String(c)}</option>
        ))}
      </select>
    );
  } else if (field.type === 'list' || field.type === 'json') input = <textarea {...common} rows={field.type === 'json' ? 4 : 3} value={String(value)} onInput={text} />;
  else if (field.type === 'number' || field.type === 'integer') {
    input = <input {...common} type="text" inputMode={field.type === 'integer' ? 'numeric' : 'decimal'} autoComplete="off" value={String(value)} onInput={text} />;
  } else if (field.sensitive) {
    input = (
      <span class="row secret">
        <input {...common} type="password" autoComplete="new-password" disabled={cleared} placeholder={cleared ? 'cleared when saved' : field.set ? 'set: leave empty to keep it' : 'not set'} value={cleared ? '' : String(value)} onInput={text} />
        {field.set && (
          <label class="muted">
            <input type="checkbox" name={`${field.key}.clear`} aria-label={`Clear ${field.name}`} checked={cleared} onChange={(e) => onClear((e.currentTarget as HTMLInputElement).checked)} />
            Clear
          </label>
        )}
      </span>
    );
  } else input = <input {...common} type="text" value={String(value)} onInput={text} />;
  return (
    <div class="setting" data-key={field.key}>
      <label for={id} class="setting-name">
        {field.name}
        {field.type === 'list' && <span class="muted"> (one per line)</span>}
      </label>
      {input}
      {field.doc && (
        <small id={`${id}-doc`} class="muted">
          {field.doc}
        </small>
      )}
      {error && (
        <p id={`${id}-error`} class="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

interface FieldsProps {
  nodes: readonly SettingNode[];
  draft: Draft;
  errors: Readonly<Record<string, string>>;
  onInput(key: string, v: string | boolean): void;
  cleared: ReadonlySet<string>;
  onClear(key: string, on: boolean): void;
}

function Fields(props: FieldsProps) {
  const { nodes, draft, errors, onInput, cleared, onClear } = props;
  return (
    <>
      {nodes.map((node) =>
        node.kind === 'group' ? (
          <fieldset class="setting-group">
            <legend>{node.name}</legend>
            <Fields {...props} nodes={node.fields} />
          </fieldset>
        ) : (
          <FieldInput field={node} value={draft[node.key]!} error={errors[node.key]} onInput={(v) => onInput(node.key, v)} cleared={cleared.has(node.key)} onClear={(on) => onClear(node.key, on)} />
        ),
      )}
    </>
  );
}

function draftOf(page: SettingsPage): Draft {
  return Object.fromEntries(leaves(page.fields).map((f) => [f.key, shown(f, valueAt(page.values, page.id, f.key))]));
}

export function SchemaForm({ page, onSaved }: { page: SettingsPage; onSaved(page: SettingsPage): void }) {
  const fields = leaves(page.fields);
  const [draft, setDraft] = useState<Draft>(() => draftOf(page));
  const [cleared, setCleared] = useState<ReadonlySet<string>>(new Set());
  const save = useSave((key) => fields.some((f) => f.key === key));
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    const start = draftOf(page);
    const values: Record<string, unknown> = {};
    const found: Record<string, string> = {};
    for (const field of fields) {
      if (cleared.has(field.key)) {
        setIn(values, field.key.slice(page.id.length + 1).split('.'), null);
        continue;
      }
      if (draft[field.key] === start[field.key]) continue;
      const value = parsed(field, draft[field.key]!);
      if (value instanceof Error) found[field.key] = `${field.name} ${value.message}`;
      else setIn(values, field.key.slice(page.id.length + 1).split('.'), value);
    }
    save.run(async () => {
      const saved = await api<SettingsPage>('PUT', `api/settings/pages/${encodeURIComponent(page.id)}`, { values });
      setDraft(draftOf(saved));
      setCleared(new Set());
      onSaved(saved);
      return Object.keys(values).length ? 'Saved.' : 'Nothing changed.';
    }, found);
  };
  return (
    <form class="settings-form" id={`settings-form-${page.id.replace(/\W/g, '_')}`} noValidate onSubmit={submit} aria-label={`${page.title} settings`}>
      <Fields
        nodes={page.fields}
        draft={draft}
        errors={save.fieldErrors}
        onInput={(key, v) => setDraft({ ...draft, [key]: v })}
        cleared={cleared}
        onClear={(key, on) => setCleared(new Set([...cleared].filter((k) => k !== key).concat(on ? [key] : [])))}
      />
      <SaveBar save={save} />
    </form>
  );
}
