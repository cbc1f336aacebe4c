/**
 * Editing the host's temperature presets (SETTINGS): a row per material with its hotend and bed
 * targets, added and removed, checked here (a name, 0–500 °C hotend, 0–200 °C bed) and again by the
 * host, which keeps them for every browser. Shown in Settings and from the temperature panel.
 */
import { useEffect, useState } from 'preact/hooks';
import { loadPresets, presets, savePresets, type Preset } from '../../lib/presets.js';
import { SaveBar, useSave } from './use-save.js';

const LIMITS = { tool: 500, bed: 200 } as const;

function problemOf(p: Preset, all: readonly Preset[]): string | null {
  if (!p.name.trim()) return 'needs a name';
  if (all.filter((q) => q.name.trim() === p.name.trim()).length > 1) return `"${p.name}" is named twice`;
  for (const heater of ['tool', 'bed'] as const) {
    const c = p[heater];
    if (!Number.isFinite(c) || c < 0 || c > LIMITS[heater]) return `${heater === 'tool' ? 'hotend' : 'bed'} must be from 0 to ${LIMITS[heater]} °C`;
  }
  return null;
}

export function PresetsEditor({ onSaved }: { onSaved?(): void }) {
  const [draft, setDraft] = useState<Preset[]>(() => (presets.value ?? []).map((p) => ({ ...p })));
  const [checked, setChecked] = useState(false);
  const save = useSave();
  const set = (i: number, key: 'name' | 'tool' | 'bed', v: string) => setDraft(draft.map((p, j) => (j === i ? { ...p, [key]: key === 'name' ? v : v.trim() === '' ? NaN : Number(v) } : p)));
  const problems = draft.map((p) => problemOf(p, draft));
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    setChecked(true);
    const found = Object.fromEntries(problems.flatMap((problem, i) => (problem ? [[String(i), problem]] : [])));
    save.run(async () => {
      await savePresets(draft);
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
                  <input aria-label={`Material ${i + 1} hotend`} name="tool" type="number" min={0} max={LIMITS.tool} value={Number.isNaN(p.tool) ? '' : p.tool} {...invalid} onInput={(e) => set(i, 'tool', (e.currentTarget as HTMLInputElement).value)} />
                </td>
                <td>
                  <input aria-label={`Material ${i + 1} bed`} name="bed" type="number" min={0} max={LIMITS.bed} value={Number.isNaN(p.bed) ? '' : p.bed} {...invalid} onInput={(e) => set(i, 'bed', (e.currentTarget as HTMLInputElement).value)} />
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
        <button type="button" onClick={() => setDraft([...draft, { name: '', tool: 200, bed: 60 }])}>
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
