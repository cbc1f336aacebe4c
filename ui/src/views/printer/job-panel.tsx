/**
 * The printer's state and its job: file, progress, elapsed, time left (OctoPrint's estimator), Z;
 * Connect, Print, Pause/Resume, Cancel (after a confirmation), each shown to those who may use it.
 */
import { useState } from 'preact/hooks';
import { api } from '../../api/http.js';
import { can } from '../../api/session.js';
import { ConfirmDialog } from '../../components/confirm.js';
import { Notice } from '../../components/notice.js';
import { ProgressBar } from '../../components/progress.js';
import { useAction } from '../../components/use-action.js';
import { formatDuration } from '../../lib/format.js';
import { connection } from '../../push/connection.js';
import type { PrinterStream } from '../../push/printer-stream.js';

const ORIGINS: Record<string, string> = {
  analysis: 'from the file analysis',
  'mixed-analysis': 'analysis and progress',
  average: 'from past prints',
  'mixed-average': 'past prints and progress',
  estimate: 'from progress',
  linear: 'linear',
};

export function JobPanel({ stream }: { stream: PrinterStream }) {
  const state = stream.state.value;
  const reading = stream.clock.value;
  const action = useAction(stream.state.value?.state.text);
  const [confirming, setConfirming] = useState(false);
  if (!state || !reading) return <section class="panel"><p class="muted">Waiting for the printer…</p></section>;
  const flags = state.state.flags;
  const completion = state.progress.completion;
  const file = state.job.file;
  const job = (command: string, extra: object = {}) => action.run(() => api('POST', 'api/job', { command, ...extra }));
  const timeLeft = !reading.active
    ? reading.analysed != null
      ? `about ${formatDuration(reading.analysed)} (analysis)`
      : '–'
    : reading.left == null
      ? 'estimating…'
      : `${formatDuration(reading.left)} (${ORIGINS[reading.origin ?? ''] ?? reading.origin})`;
  const active = flags.printing || flags.paused || flags.pausing || flags.resuming;
  return (
    <section class="panel" id="printer" aria-labelledby="job-h">
      <header>
        <h2 id="job-h">Printer</h2>
        <span>
          <b id="state" data-flags={JSON.stringify(flags)}>
            {state.state.text}
          </b>
          {/* the host away (a restart): what is shown is what it said last, not what the printer does now */}
          {connection.value === 'reconnecting' && (
            <span id="state-stale" class="muted">
              {' '}
              (last known)
            </span>
          )}
        </span>
      </header>
      <dl class="facts">
        <dt>Job</dt>
        <dd id="job">{file.name ?? <span class="muted">none</span>}</dd>
        <dt>Progress</dt>
        <dd id="completion" data-value={completion == null ? '' : String(completion)}>
          {completion == null ? '–' : `${completion.toFixed(1)} %`}
        </dd>
        <dt>Elapsed</dt>
        <dd id="elapsed" data-seconds={reading.elapsed == null ? '' : String(reading.elapsed)}>
          {formatDuration(reading.elapsed)}
        </dd>
        <dt>Time left</dt>
        <dd id="time-left" data-seconds={reading.left == null ? '' : String(reading.left)} data-origin={reading.origin ?? ''}>
          {timeLeft}
        </dd>
        <dt>Z</dt>
        <dd id="z" data-value={state.currentZ == null ? '' : String(state.currentZ)}>
          {state.currentZ == null ? '–' : `${state.currentZ.toFixed(2)} mm`}
        </dd>
        {state.job.estimatedPrintTime != null && (
          <>
            <dt>Filament</dt>
            <dd>
              {Object.entries(state.job.filament ?? {})
                .map(([tool, f]) => `${tool} ${(f.length / 1000).toFixed(2)} m`)
                .join(' · ') || '–'}
            </dd>
          </>
        )}
      </dl>
      <ProgressBar value={completion} label="Print progress" />
      <div class="row" style={{ marginTop: '10px' }}>
        {flags.closedOrError && can('CONNECTION') && (
          <button type="button" id="connect-printer" disabled={action.busy} onClick={() => void action.run(() => api('POST', 'api/connection', { command: 'connect' }))}>
            Connect printer
          </button>
        )}
        {can('PRINT') && (
          <>
            <button type="button" id="print" class="primary" disabled={action.busy || !flags.ready || !file.path} onClick={() => void job('start')}>
              {file.path && !active ? 'Print' : 'Print'}
            </button>
            {flags.paused ? (
              <button type="button" id="resume" disabled={action.busy} onClick={() => void job('pause', { action: 'resume' })}>
                Resume
              </button>
            ) : (
              <button type="button" id="pause" disabled={action.busy || !flags.printing} onClick={() => void job('pause', { action: 'pause' })}>
                Pause
              </button>
            )}
            <button type="button" id="cancel" class="danger" disabled={action.busy || !active} onClick={() => setConfirming(true)}>
              Cancel
            </button>
          </>
        )}
      </div>
      <Notice error={action.error} onDismiss={action.clear} />
      <ConfirmDialog
        open={confirming}
        title="Cancel this print?"
        text={<>{file.name ? <bdi>{file.name}</bdi> : 'The job'} stops now and cannot be resumed.</>}
        confirm="Cancel print"
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          void job('cancel');
        }}
      />
    </section>
  );
}
