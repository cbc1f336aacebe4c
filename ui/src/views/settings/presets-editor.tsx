/**
 * Editing the host's temperature presets (SETTINGS): a row per material with its hotend and bed
 * targets, added and removed, checked here (a name, 0–500 °C hotend, 0–200 °C bed) and again by the
 * host, which keeps them for every browser. Shown in Settings and from the temperature panel.
 */
import { useEffect, useState } from 'preact/hooks';
import { loadPresets, presets, savePresets, type Preset } from '../../lib/presets.js';
import { typedValue } from '../../lib/typed-number.js';
import { SaveBar, useSave } from './use-save.js';

const LIMITS = { tool: 500, bed: 200 } as const;

/** a row as typed: its temperatures as text (a number field dropped a decimal comma: '62,5' became 625), read when checked and saved */
type Row = Omit<Preset, 'tool' | 'bed'> & { tool: string; bed: string };

function problemOf(p: Row, all: readonly Row[]): string | null {
  if (!p.name.trim()) return 'needs a name';
  if (all.filter((q) => q.name.trim() === p.name.trim()).length > 1) return `"${p.name}" is named twice`;
  for (const heater of ['tool', 'bed'] as const) {
    const c = typedValue(p[heater]);
    if (c === null || c < 0 || c > LIMITS[heater]) return `${heater === 'tool' ? 'hotend' : 'bed'} must be from 0 to ${LIMITS[heater]} °C`;
  }
  return null;
}

export function PresetsEditor({ onSaved }: { onSaved?(): void }) {
  const [draft, setDraft] = useState<Row[]>(() => (presets.value ?? []).map((p) => ({ ...p, tool: String(p.tool), bed: String(p.bed) })));
  const [checked, setChecked] = useState(false);
  const save = useSave();
  const set = (i: number, key: 'name' | 'tool' | 'bed', v: string) => setDraft(draft.map((p, j) => (j === i ? { ...p, [key]: v } : p)));
  const problems = draft.map((p) => problemOf(p, draft));
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    setChecked(true);
    const found = Object.fromEntries(problems.flatMap((problem, i) => (problem ? [[String(i), problem]] : [])));
    save.run(async () => {
      // checked above: each temperature is a number
      await savePresets(draft.map((p) => ({ ...p, tool: typedValue(p.tool)!, bed: typedValue(p.bed)! })));
      onSaved?.();
    }, found);
  };
  return (
    <form class="presets-editor" id="presets-editor" noValidate onSubmit={submit} aria-label="Temperature presets">
      <table>
        <thead>
          <tr>
            <th scope="col">Material</th>
            <th scope="col">Hotend °C</th>
            <th scope="col">Bed °C</th>
            <th scope="col">
              <span class="sr-only">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {draft.map((p, i) => {
            const problem = checked ? problems[i] : null;
            const errorId = `preset-${i}-error`;
            const invalid = problem ? { 'aria-invalid': true, 'aria-describedby': errorId } : {};
            return (
              <tr data-preset-row={i}>
                <td>
                  <input aria-label={`Material ${i + 1}`} name="name" value={p.name} size={8} {...invalid} onInput={(e) => set(i, 'name', (e.currentTarget as HTMLInputElement).value)} />
                </td>
                <td>
                  <input aria-label={`Material ${i + 1} hotend`} name="tool" type="text" inputMode="decimal" autoComplete="off" value={p.tool} {...invalid} onInput={(e) => set(i, 'tool', (e.currentTarget as HTMLInputElement).value)} />
                </td>
                <td>
                  <input aria-label={`Material ${i + 1} bed`} name="bed" type="text" inputMode="decimal" autoComplete="off" value={p.bed} {...invalid} onInput={(e) => set(i, 'bed', (e.currentTarget as HTMLInputElement).value)} />
                </td>
                <td>
                  <button type="button" aria-label={`Remove ${p.name || `material ${i + 1}`}`} title="Remove" onClick={() => setDraft(draft.filter((_, j) => j !== i))}>
                    ×
                  </button>
                  {problem && (
                    <p id={errorId} class="field-error" role="alert">
                      {problem}
                    </p>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <SaveBar save={save} label="Save presets">
        <button type="button" onClick={() => setDraft([...draft, { name: '', tool: '200', bed: '60' }])}>
          Add a material
        </button>
      </SaveBar>
    </form>
  );
}

/** The presets as a page of Settings. */
export function PresetsPage() {
  useEffect(() => void loadPresets(true), []);
  return (
    <section class="panel" aria-labelledby="presets-h">
      <header>
        <h1 id="presets-h">Temperature presets</h1>
      </header>
      <p class="muted">The preset buttons of every printer's page and of the farm's selection, in every browser; OctoPrint apps offer them too.</p>
      {presets.value ? <PresetsEditor /> : <p class="muted">Loading…</p>}
    </section>
  );
}
