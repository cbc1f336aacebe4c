/**
 * Event subscriptions (SETTINGS): the `events.subscriptions` list with why an entry did not load,
 * a form to add or change one (event, hook type, commands, printers, other options as JSON), delete,
 * and "Test", which runs that one subscription through the host's dispatcher with a test payload and
 * shows what each command did. The host checks every entry as it does at start-up and refuses a bad
 * one with the reason, shown in the form.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, reasonOf } from '../../api/http.js';
import type { SubscriptionConfig, SubscriptionEntry, SubscriptionListing, TestFireResult } from '../../api/types.js';
import { Notice } from '../../components/notice.js';
import { COMMON_EVENTS, TestFire } from '../more/test-fire.js';
import { SaveBar, useSave } from './use-save.js';

const BASE = 'api/events/subscriptions';
/** the keys the form has fields for; any other goes in "Other options" */
const OWN_KEYS = ['event', 'type', 'command', 'enabled', 'printers'];
/** what a test event carries: enough for the common placeholders ({name}, {path}, {origin}…) */
const TEST_PAYLOAD = { name: 'test.gcode', path: 'test.gcode', origin: 'local', size: 1024, time: 60 };

function commandsOf(entry: SubscriptionConfig): string[] {
  return typeof entry.command === 'string' ? [entry.command] : entry.command;
}

/** The entry the form describes, or an Error saying what is wrong with what was typed. */
function entryOf(form: HTMLFormElement): SubscriptionConfig | Error {
  const data = new FormData(form);
  const commands = String(data.get('command') ?? '').split('\n').map((line) => line.trim()).filter(Boolean);
  let options: Record<string, unknown> = {};
  const optionsText = String(data.get('options') ?? '').trim();
  if (optionsText) {
    try {
      options = JSON.parse(optionsText) as Record<string, unknown>;
    } catch {
      return new Error('Other options are not valid JSON');
    }
    if (options === null || typeof options !== 'object' || Array.isArray(options)) return new Error('Other options must be a JSON object, e.g. {"retries": 1}');
  }
  const printers = String(data.get('printers') ?? '').split(',').map((id) => id.trim()).filter(Boolean);
  return {
    ...options,
    event: String(data.get('event') ?? '').trim(),
    type: String(data.get('type') ?? ''),
    command: commands.length === 1 ? commands[0]! : commands,
    enabled: data.get('enabled') === 'on',
    ...(printers.length ? { printers } : {}),
  };
}

function SubscriptionForm({ types, editing, onSaved, onCancel }: { types: string[]; editing: SubscriptionEntry | null; onSaved(listing: SubscriptionListing): void; onCancel(): void }) {
  const save = useSave();
  const [problem, setProblem] = useState<string | null>(null);
  const entry = editing?.entry;
  const [type, setType] = useState(entry?.type ?? (types.includes('webhook') ? 'webhook' : (types[0] ?? '')));
  const options = entry ? Object.fromEntries(Object.entries(entry).filter(([key]) => !OWN_KEYS.includes(key))) : {};
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const next = entryOf(form);
    setProblem(next instanceof Error ? next.message : null);
    if (next instanceof Error) return;
    save.run(async () => {
      onSaved(await api<SubscriptionListing>(editing ? 'PUT' : 'POST', editing ? `${BASE}/${editing.index}` : BASE, next));
      if (!editing) form.reset();
    });
  };
  return (
    <form id="subscription-form" class="settings-form" noValidate onSubmit={submit} aria-labelledby="subscription-form-h">
      <h2 id="subscription-form-h">{editing ? `Change subscription ${editing.index + 1}` : 'Add a subscription'}</h2>
      <div class="row">
        <label class="stack">
          Event
          <input name="event" list="subscription-events" required defaultValue={entry?.event ?? 'PrintDone'} />
        </label>
        <datalist id="subscription-events">
          {COMMON_EVENTS.map((name) => (
            <option value={name} />
          ))}
        </datalist>
        <label class="stack">
          Type
          <select name="type" value={type} onChange={(e) => setType((e.currentTarget as HTMLSelectElement).value)}>
            {types.map((t) => (
              <option value={t}>{t}</option>
            ))}
          </select>
        </label>
        <label>
          <input name="enabled" type="checkbox" defaultChecked={entry?.enabled !== false} /> enabled
        </label>
      </div>
      <label class="stack">
        Commands, one per line (a URL for webhook, a program for system, G-code for gcode; placeholders such as {'{name}'})
        <textarea name="command" rows={3} required defaultValue={entry ? commandsOf(entry).join('\n') : ''} />
      </label>
      <label class="stack">
        Printers (ids, comma-separated; empty: every printer's events)
        <input name="printers" defaultValue={((entry?.printers as string[] | undefined) ?? []).join(', ')} />
      </label>
      <label class="stack">
        Other options (JSON: filter, throttle, debounce, timeout, retries, shell…)
        <textarea name="options" rows={2} defaultValue={Object.keys(options).length ? JSON.stringify(options) : ''} />
      </label>
      <Notice error={problem} onDismiss={() => setProblem(null)} />
      <SaveBar save={save} label={editing ? 'Save changes' : 'Add subscription'}>
        {editing && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </SaveBar>
    </form>
  );
}

function Outcome({ result }: { result: TestFireResult }) {
  if (!result.enabled) return <p class="muted">Event subscriptions are off (events.enabled).</p>;
  return (
    <ul class="log">
      {result.subscriptions.map((s) => (
        <li data-status={s.status}>
          <span class="what">{s.status}</span>
          <span class="text">
            {s.reason ?? s.commands.map((c) => `${c.command}: ${c.status}${c.detail ? ` (${c.detail})` : ''}`).join('; ')}
          </span>
        </li>
      ))}
    </ul>
  );
}

export function SubscriptionsSettings() {
  const [listing, setListing] = useState<SubscriptionListing | null>(null);
  const [editing, setEditing] = useState<SubscriptionEntry | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tested, setTested] = useState<{ index: number; result: TestFireResult } | null>(null);
  useEffect(() => void api<SubscriptionListing>('GET', BASE).then(setListing, (err) => setError(reasonOf(err))), []);
  const act = (work: Promise<unknown>) => work.catch((err) => setError(reasonOf(err)));
  const remove = (s: SubscriptionEntry) => {
    if (!confirm(`Delete the subscription to ${s.entry.event} (${s.entry.type})?`)) return;
    void act(
      api<SubscriptionListing>('DELETE', `${BASE}/${s.index}`).then((l) => {
        setListing(l);
        setEditing(null);
        setTested(null);
      }),
    );
  };
  const test = (s: SubscriptionEntry) => void act(api<TestFireResult>('POST', `${BASE}/${s.index}/test`, { payload: TEST_PAYLOAD }).then((result) => setTested({ index: s.index, result })));
  return (
    <>
      <section class="panel" aria-labelledby="subscriptions-h">
        <header>
          <h1 id="subscriptions-h">Event subscriptions</h1>
        </header>
        {listing && !listing.enabled && <p class="muted">Event subscriptions are off (events.enabled: false on the Event hooks page): nothing runs.</p>}
        <Notice error={error} onDismiss={() => setError(null)} />
        {listing && listing.subscriptions.length === 0 && <p class="muted">No subscription yet.</p>}
        {listing && listing.subscriptions.length > 0 && (
          <table id="subscriptions">
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Type</th>
                <th scope="col">Commands</th>
                <th scope="col">State</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {listing.subscriptions.map((s) => (
                <tr data-subscription={s.index}>
                  <td>{s.entry.event}</td>
                  <td>{s.entry.type}</td>
                  <td class="commands">
                    {commandsOf(s.entry).map((c) => (
                      <code>{c}</code>
                    ))}
                  </td>
                  <td>
                    {s.problem ? <span class="error">not loaded: {s.problem}</span> : s.entry.enabled === false ? 'off' : 'on'}
                    {tested?.index === s.index && (
                      <div class="test-outcome" role="status">
                        <Outcome result={tested.result} />
                      </div>
                    )}
                  </td>
                  <td class="row">
                    <button type="button" onClick={() => setEditing(s)} aria-label={`Edit subscription ${s.index + 1}`}>
                      Edit
                    </button>
                    <button type="button" onClick={() => test(s)} disabled={!!s.problem} aria-label={`Test subscription ${s.index + 1}`}>
                      Test
                    </button>
                    <button type="button" class="danger" onClick={() => remove(s)} aria-label={`Delete subscription ${s.index + 1}`}>
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {listing && (
          // keyed by what is edited, so the fields start from that entry
          <SubscriptionForm
            key={editing?.index ?? 'new'}
            types={listing.types}
            editing={editing}
            onCancel={() => setEditing(null)}
            onSaved={(l) => {
              setListing(l);
              setEditing(null);
            }}
          />
        )}
      </section>
      <TestFire />
    </>
  );
}
