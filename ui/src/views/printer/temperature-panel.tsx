/**
 * Temperatures: the live chart, each heater's actual and target with a field to set it, material
 * presets (the host's, PLA, PETG and ABS at first; editable with SETTINGS) and Off. Needs CONTROL; safe while printing.
 */
import { useEffect, useState } from 'preact/hooks';
import { can } from '../../api/session.js';
import { Notice } from '../../components/notice.js';
import { useAction } from '../../components/use-action.js';
import { loadPresets, presets as hostPresets } from '../../lib/presets.js';
import { readNumber } from '../../lib/typed-number.js';
import { PresetsEditor } from '../settings/presets-editor.js';
import type { PrinterStream } from '../../push/printer-stream.js';
import { heaterOrder, setTargets, TOOL } from './heaters.js';
import { TemperatureChart } from './temperature-chart.js';

type Reading = { actual: number; target: number | null };

interface HeaterRowProps {
  name: string;
  reading: Reading;
  control: boolean;
  /** what is typed in the target field: the panel's, so it outlives the row (the rows go while a restarted host has no reading yet) */
  value: string;
  setValue(value: string): void;
  onSet(target: number): Promise<boolean>;
  onRefused(reason: string): void;
}

function HeaterRow({ name, reading, control, value, setValue, onSet, onRefused }: HeaterRowProps) {
  const [invalid, setInvalid] = useState(false);
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    // the range is the host's to say (its reason is shown); what is no number is said here
    const typed = readNumber(value, { what: `the target of ${name}`, unit: '°C' });
    setInvalid(typed.error !== undefined);
    if (typed.error !== undefined) return onRefused(typed.error);
    // what was typed stays until the host took it
    void onSet(typed.value).then((ok) => (ok ? setValue('') : setInvalid(true)));
  };
  return (
    <tr data-heater={name}>
      <th scope="row">{name}</th>
      <td class="num actual">{reading.actual.toFixed(1)} °C</td>
      <td class="num target">{reading.target == null ? '–' : `${Math.round(reading.target)} °C`}</td>
      {control && (
        <td>
          <form class="row" onSubmit={submit}>
            <label>
              <span class="sr-only">New target for {name}</span>
              <input type="text" inputMode="decimal" autoComplete="off" size={5} placeholder="°C" value={value} aria-invalid={invalid || undefined} onInput={(e) => (setValue((e.currentTarget as HTMLInputElement).value), setInvalid(false))} />
            </label>
            <button type="submit">Set</button>
            <button type="button" onClick={() => void onSet(0)} aria-label={`Turn ${name} off`}>
              Off
            </button>
          </form>
        </td>
      )}
    </tr>
  );
}

export function TemperaturePanel({ stream }: { stream: PrinterStream }) {
  const action = useAction(stream.state.value?.state.text);
  useEffect(() => void loadPresets(), []);
  const presets = hostPresets.value ?? [];
  const [editing, setEditing] = useState(false);
  const [typed, setTyped] = useState<Record<string, string>>({});
  const points = stream.temps.value;
  const last = points[points.length - 1];
  const heaters = last ? Object.keys(last).filter((k) => k !== 'time').sort(heaterOrder) : [];
  const reading = (h: string) => last![h] as Reading;
  const control = can('CONTROL');
  const online = stream.state.value?.state.flags.operational ?? false;
  const all = (tool: number, bed: number) => Object.fromEntries(heaters.filter((h) => TOOL.test(h) || h === 'bed').map((h) => [h, TOOL.test(h) ? tool : bed]));
  return (
    <section class="panel" aria-labelledby="temps-h">
      <header>
        <h2 id="temps-h">Temperatures</h2>
      </header>
      <TemperatureChart temps={stream.temps} />
      {heaters.length === 0 ? (
        <p class="muted" id="temps">
          No temperature reported yet.
        </p>
      ) : (
        <table id="temps">
          <thead>
            <tr>
              <th scope="col">Heater</th>
              <th scope="col">Actual</th>
              <th scope="col">Target</th>
              {control && <th scope="col">Set</th>}
            </tr>
          </thead>
          <tbody>
            {heaters.map((h) => (
              <HeaterRow
                key={h}
                name={h}
                reading={reading(h)}
                control={control && online}
                value={typed[h] ?? ''}
                setValue={(value) => setTyped((all) => ({ ...all, [h]: value }))}
                onSet={(target) => action.run(() => setTargets({ [h]: target }))}
                onRefused={action.refuse}
              />
            ))}
          </tbody>
        </table>
      )}
      {control && (
        <div class="row" style={{ marginTop: '10px' }} role="group" aria-label="Presets">
          {presets.map((p) => (
            <button type="button" data-preset={p.name} disabled={!online || action.busy} title={`hotend ${p.tool} °C, bed ${p.bed} °C`} onClick={() => void action.run(() => setTargets(all(p.tool, p.bed)))}>
              {p.name}
            </button>
          ))}
          <button type="button" data-preset="off" disabled={!online || action.busy} onClick={() => void action.run(() => setTargets(all(0, 0)))}>
            All off
          </button>
          {can('SETTINGS') && (
            <button type="button" aria-expanded={editing} onClick={() => setEditing(!editing)}>
              Edit presets
            </button>
          )}
        </div>
      )}
      {editing && <PresetsEditor onSaved={() => setEditing(false)} />}
      <Notice error={action.error} onDismiss={action.clear} />
    </section>
  );
}
