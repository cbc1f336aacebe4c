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
import type { PrinterStream } from '../../push/printer-stream.js';

const STEPS = [0.1, 1, 10, 100];

function NumberField({ label, value, min, max, step, onChange, unit }: { label: string; value: number; min: number; max: number; step: number; unit: string; onChange(v: number): void }) {
  return (
    <label>
      {label}
      <input type="number" min={min} max={max} step={step} value={value} size={5} onInput={(e) => onChange(Number((e.currentTarget as HTMLInputElement).value))} />
      <span class="muted">{unit}</span>
    </label>
  );
}

export function MotionPanel({ stream }: { stream: PrinterStream }) {
  const action = useAction();
  const [step, setStep] = useState(10);
  const [amount, setAmount] = useState(5);
  const [fan, setFan] = useState(100);
  const [feed, setFeed] = useState(100);
  const [flow, setFlow] = useState(100);
  const flags = stream.state.value?.state.flags;
  const online = flags?.operational ?? false;
  const printing = !!(flags && (flags.printing || flags.paused || flags.pausing || flags.resuming || flags.cancelling));
  const canMove = online && !printing && !action.busy;
  const canTune = online && !action.busy;
  const head = (body: object) => action.run(() => api('POST', 'api/printer/printhead', body));
  const tool = (body: object) => action.run(() => api('POST', 'api/printer/tool', body));
  const gcode = (commands: string[]) => action.run(() => api('POST', 'api/printer/command', { commands }));
  const jog = (axis: 'x' | 'y' | 'z', sign: 1 | -1) => head({ command: 'jog', [axis]: sign * step });
  const jogButton = (axis: 'x' | 'y' | 'z', sign: 1 | -1, area: string) => (
    <button type="button" style={{ gridArea: area }} data-jog={`${axis}${sign > 0 ? '+' : '-'}`} aria-label={`Move ${axis.toUpperCase()} ${sign > 0 ? '+' : '−'}${step} mm`} disabled={!canMove} onClick={() => void jog(axis, sign)}>
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
        <NumberField label="Filament" value={amount} min={0.1} max={100} step={0.1} unit="mm" onChange={setAmount} />
        <button type="button" disabled={!canMove} onClick={() => void tool({ command: 'extrude', amount })}>
          Extrude
        </button>
        <button type="button" disabled={!canMove} onClick={() => void tool({ command: 'extrude', amount: -amount })}>
          Retract
        </button>
      </div>
      <div class="row" style={{ marginTop: '12px' }} role="group" aria-label="Fan">
        <NumberField label="Fan" value={fan} min={0} max={100} step={5} unit="%" onChange={setFan} />
        <button type="button" disabled={!canTune} onClick={() => void gcode([`M106 S${Math.round((Math.max(0, Math.min(100, fan)) * 255) / 100)}`])}>
          Set fan
        </button>
        <button type="button" disabled={!canTune} onClick={() => void gcode(['M107'])}>
          Fan off
        </button>
      </div>
      <div class="row" style={{ marginTop: '12px' }} role="group" aria-label="Feed and flow rate">
        <NumberField label="Feed rate" value={feed} min={50} max={200} step={1} unit="%" onChange={setFeed} />
        <button type="button" disabled={!canTune} onClick={() => void head({ command: 'feedrate', factor: feed })}>
          Set feed
        </button>
        <NumberField label="Flow" value={flow} min={75} max={125} step={1} unit="%" onChange={setFlow} />
        <button type="button" disabled={!canTune} onClick={() => void tool({ command: 'flowrate', factor: flow })}>
          Set flow
        </button>
      </div>
      <Notice error={action.error} onDismiss={action.clear} />
    </section>
  );
}
