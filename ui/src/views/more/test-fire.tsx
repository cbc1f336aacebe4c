/**
 * Event subscriptions, tried out (SETTINGS): runs the configured subscriptions of an event with a
 * payload you write (`POST api/events/test`: the event is not fired on the bus) and shows what each did.
 */
import { useState } from 'preact/hooks';
import { api } from '../../api/http.js';
import type { TestFireResult } from '../../api/types.js';
import { Notice } from '../../components/notice.js';
import { useAction } from '../../components/use-action.js';

/** events people subscribe to most: offered as suggestions */
export const COMMON_EVENTS = ['PrintStarted', 'PrintDone', 'PrintFailed', 'PrintCancelled', 'PrintPaused', 'PrintResumed', 'Upload', 'FileAdded', 'Connected', 'Disconnected', 'Error', 'MovieDone'];

export function TestFire() {
  const action = useAction();
  const [result, setResult] = useState<TestFireResult | null>(null);
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    void action.run(async () => {
      let payload: unknown;
      try {
        payload = JSON.parse(String(data.get('payload') || '{}'));
      } catch {
        throw new Error('the payload is not JSON');
      }
      setResult(await api<TestFireResult>('POST', 'api/events/test', { event: String(data.get('event')), payload }));
    });
  };
  return (
    <section class="panel" aria-labelledby="testfire-h">
      <header>
        <h2 id="testfire-h">Event subscriptions: try one</h2>
      </header>
      <form id="test-fire" class="row" onSubmit={submit}>
        <label class="stack">
          Event
          <input name="event" list="event-names" required defaultValue="PrintDone" />
          <datalist id="event-names">
            {COMMON_EVENTS.map((name) => (
              <option value={name} />
            ))}
          </datalist>
        </label>
        <label class="stack" style={{ flex: 1 }}>
          Payload (JSON)
          <input name="payload" defaultValue='{"name": "test.gcode", "path": "test.gcode", "origin": "local", "time": 60}' style={{ fontFamily: 'ui-monospace, monospace' }} />
        </label>
        <button type="submit" disabled={action.busy}>
          Run its subscriptions
        </button>
      </form>
      <Notice error={action.error} onDismiss={action.clear} />
      {result && (
        <div id="test-fire-result" role="status">
          {!result.enabled ? (
            <p class="muted">Event subscriptions are off (events.enabled).</p>
          ) : result.subscriptions.length === 0 ? (
            <p class="muted">No subscription listens to {result.event}.</p>
          ) : (
            <ul class="log">
              {result.subscriptions.map((s) => (
                <li data-status={s.status}>
                  <span class="what">{s.status}</span>
                  <span class="text">
                    {s.label} ({s.type}){s.reason ? `: ${s.reason}` : ''}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
