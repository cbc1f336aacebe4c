/**
 * Motion: home (all, XY, Z), jog X/Y/Z by a chosen step, extrude and retract, fan, feed and flow
 * rate, motors off. Moves go through `/api/printer/printhead` (the host sends G91, G1 …, G90).
 * Moving, extruding and motors off are disabled while a job runs; fan, feed and flow rate are not.
 * Shown only to users with CONTROL (the host refuses the calls to anyone else).
 */
import { useState } from 'preact/hooks';
import { api } from '../../api/http.js';
import { Notice } from '../../components/notice.js';
import { useAction } from '../../components/use-action.js';
import { readNumber, type NumberRule } from '../../lib/typed-number.js';
import type { PrinterStream } from '../../push/printer-stream.js';

const STEPS = [0.1, 1, 10, 100];

/**
 * A value typed for a control: kept as typed (a decimal comma too), read when the control is used.
 * Enter in it sets it (`onEnter`, the field's Set button), as it did nothing before.
 */
function NumberField({ label, value, invalid, onChange, onEnter, unit }: { label: string; value: string; invalid: boolean; unit: string; onChange(v: string): void; onEnter?: () => void }) {
  return (
    <label>
      {label}
      <input
        type="text"
        inputMode="decimal"
        autoComplete="off"
        value={value}
        size={5}
        aria-invalid={invalid || undefined}
        onInput={(e) => onChange((e.currentTarget as HTMLInputElement).value)}
        onKeyDown={(e) => e.key === 'Enter' && onEnter?.()}
      />
      <span class="muted">{unit}</span>
    </label>
  );
}

type FieldName = 'amount' | 'fan' | 'feed' | 'flow';
/** each field's bounds (feed and flow rate are the host's too; it says so itself), and what it is called in a refusal */
const FIELDS: Record<FieldName, NumberRule & { min: number; max: number }> = {
  amount: { what: 'the filament length', unit: 'mm', min: 0.1, max: 100 },
  fan: { what: 'the fan speed', unit: '%', min: 0, max: 100 },
  feed: { what: 'the feed rate', unit: '%', min: 50, max: 200 },
  flow: { what: 'the flow rate', unit: '%', min: 75, max: 125 },
};

export function MotionPanel({ stream }: { stream: PrinterStream }) {
  const action = useAction(stream.state.value?.state.text);
  const [step, setStep] = useState(10);
  const [typed, setTyped] = useState<Record<FieldName, string>>({ amount: '5', fan: '100', feed: '100', flow: '100' });
  const [invalid, setInvalid] = useState<FieldName | null>(null);
  const field = (name: FieldName, label: string, onEnter?: () => void) => (
    <NumberField label={label} unit={FIELDS[name].unit} value={typed[name]} invalid={invalid === name} onEnter={onEnter} onChange={(v) => (setTyped({ ...typed, [name]: v }), invalid === name && setInvalid(null))} />
  );
  /** the field's number, or the reason it is none said in the panel (and nothing sent) */
  const read = (name: FieldName): number | null => {
    const result = readNumber(typed[name], FIELDS[name]);
    setInvalid(result.error === undefined ? null : name);
    if (result.error === undefined) return result.value;
    action.refuse(result.error);
    return null;
  };
  const withField = (name: FieldName, use: (value: number) => void) => () => {
    const value = read(name);
    if (value !== null) use(value);
  };
  const flags = stream.state.value?.state.flags;
  const online = flags?.operational ?? false;
  const printing = !!(flags && (flags.printing || flags.paused || flags.pausing || flags.resuming || flags.cancelling));
  const canMove = online && !printing && !action.busy;
  const canTune = online && !action.busy;
  const setFan = withField('fan', (fan) => void gcode([`M106 S${Math.round((fan * 255) / 100)}`]));
  const setFeed = withField('feed', (factor) => void head({ command: 'feedrate', factor }));
  const setFlow = withField('flow', (factor) => void tool({ command: 'flowrate', factor }));
  // Enter in the filament field sets nothing: extrude or retract, only a button says which
  const onEnter = (set: () => void) => (canTune ? set : undefined);
  const head = (body: object) => action.run(() => api('POST', 'api/printer/printhead', body));
  const tool = (body: object) => action.run(() => api('POST', 'api/printer/tool', body));
  const gcode = (commands: string[]) => action.run(() => api('POST', 'api/printer/command', { commands }));
  const jog = (axis: 'x' | 'y' | 'z', sign: 1 | -1) => head({ command: 'jog', [axis]: sign * step });
  const jogButton = (axis: 'x' | 'y' | 'z', sign: 1 | -1, area: string) => (
    <button type="button" style={{ gridArea: area }} data-jog={`${axis}${sign > 0 ? '+' : '-'}`} data-repeatable aria-label={`Move ${axis.toUpperCase()} ${sign > 0 ? '+' : '−'}${step} mm`} disabled={!canMove} onClick={() => void jog(axis, sign)}>
      {axis.toUpperCase()}
      {sign > 0 ? '+' : '−'}
    </button>
  );
  return (
    <section class="panel" aria-labelledby="motion-h">
      <header>
        <h2 id="motion-h">Motion</h2>
        {printing && <span class="muted">moves are locked while printing</span>}
      </header>
      <div class="row" role="group" aria-label="Home">
        <button type="button" data-home="xyz" disabled={!canMove} onClick={() => void head({ command: 'home', axes: ['x', 'y', 'z'] })}>
          Home all
        </button>
        <button type="button" data-home="xy" disabled={!canMove} onClick={() => void head({ command: 'home', axes: ['x', 'y'] })}>
          Home XY
        </button>
        <button type="button" data-home="z" disabled={!canMove} onClick={() => void head({ command: 'home', axes: ['z'] })}>
          Home Z
        </button>
        <button type="button" disabled={!canMove} onClick={() => void gcode(['M18'])}>
          Motors off
        </button>
      </div>
      <fieldset class="row" style={{ border: 0, padding: 0, margin: '10px 0' }}>
        <legend class="muted">Step</legend>
        {STEPS.map((s) => (
          <label>
            <input type="radio" name="jog-step" value={s} checked={step === s} onChange={() => setStep(s)} /> {s} mm
          </label>
        ))}
      </fieldset>
      <div class="pad" role="group" aria-label="Jog">
        {jogButton('y', 1, '1 / 2')}
        {jogButton('x', -1, '2 / 1')}
        {jogButton('x', 1, '2 / 3')}
        {jogButton('y', -1, '3 / 2')}
        {jogButton('z', 1, '1 / 5')}
        {jogButton('z', -1, '3 / 5')}
      </div>
      <div class="row" style={{ marginTop: '12px' }} role="group" aria-label="Extruder">
        {field('amount', 'Filament')}
        <button type="button" data-repeatable disabled={!canMove} onClick={withField('amount', (amount) => void tool({ command: 'extrude', amount }))}>
          Extrude
        </button>
        <button type="button" data-repeatable disabled={!canMove} onClick={withField('amount', (amount) => void tool({ command: 'extrude', amount: -amount }))}>
          Retract
        </button>
      </div>
      <div class="row" style={{ marginTop: '12px' }} role="group" aria-label="Fan">
        {field('fan', 'Fan', onEnter(setFan))}
        <button type="button" disabled={!canTune} onClick={setFan}>
          Set fan
        </button>
        <button type="button" disabled={!canTune} onClick={() => void gcode(['M107'])}>
          Fan off
        </button>
      </div>
      <div class="row" style={{ marginTop: '12px' }} role="group" aria-label="Feed and flow rate">
        {field('feed', 'Feed rate', onEnter(setFeed))}
        <button type="button" disabled={!canTune} onClick={setFeed}>
          Set feed
        </button>
        {field('flow', 'Flow', onEnter(setFlow))}
        <button type="button" disabled={!canTune} onClick={setFlow}>
          Set flow
        </button>
      </div>
      <Notice error={action.error} onDismiss={action.clear} />
    </section>
  );
}
