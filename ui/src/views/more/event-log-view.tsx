/**
 * The durable event log (`/api/events`, EVENTS permission): the newest events first, by type and
 * printer, a page at a time backwards from the host's newest seq.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, reasonOf } from '../../api/http.js';
import type { EventPage, LoggedEvent } from '../../api/types.js';
import { Notice } from '../../components/notice.js';
import { PrinterFilter, usePrinterNames } from '../../components/printer-filter.js';
import { describeEvent } from '../../lib/format.js';

const PAGE = 200;

/** The newest seq the log has: the log pages forward, so find the end first (pages of the maximum size). */
async function newestSeq(): Promise<number> {
  let since = 0;
  for (;;) {
    const page = await api<EventPage>('GET', `api/events?since=${since}&limit=1000`);
    const last = page.events[page.events.length - 1];
    if (last) since = last.seq;
    if (page.next === null) return since;
    since = page.next;
  }
}

export function EventLogView() {
  const printers = usePrinterNames();
  const [type, setType] = useState('');
  const [printer, setPrinter] = useState('');
  const [events, setEvents] = useState<LoggedEvent[] | null>(null);
  const [until, setUntil] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = async (before: number | null) => {
    try {
      const end = before ?? (await newestSeq());
      const since = Math.max(0, end - PAGE);
      const query = new URLSearchParams({ since: String(since), limit: String(PAGE), ...(type ? { type } : {}), ...(printer ? { printer } : {}) });
      const page = await api<EventPage>('GET', `api/events?${query}`);
      const older = page.events.filter((e) => e.seq <= end).reverse();
      setEvents((shown) => (before === null ? older : [...(shown ?? []), ...older]));
      setUntil(since > 0 ? since : null);
      setError(null);
    } catch (err) {
      setError(reasonOf(err));
    }
  };
  useEffect(() => void load(null), [type, printer]);
  return (
    <section class="panel" aria-labelledby="eventlog-h">
      <header>
        <h1 id="eventlog-h">Event log</h1>
        <div class="row">
          <label>
            Type
            <input value={type} size={16} placeholder="e.g. PrintDone" onChange={(e) => setType((e.currentTarget as HTMLInputElement).value.trim())} />
          </label>
          <PrinterFilter names={printers} value={printer} onChange={setPrinter} />
        </div>
      </header>
      <Notice error={error} />
      {events && events.length === 0 && <p class="muted">No events in this range.</p>}
      <ul class="log" id="event-log" style={{ maxHeight: 'none' }}>
        {(events ?? []).map((e) => (
          <li key={e.seq}>
            <span class="when">{new Date(e.time).toLocaleString()}</span>
            <span class="who">{e.printer ? (printers[e.printer] ?? e.printer) : ''}</span>
            <span class="what">{e.type}</span>
            <span class="text">{describeEvent(e.type, e.payload as Record<string, unknown>)}</span>
          </li>
        ))}
      </ul>
      {until !== null && (
        <button type="button" onClick={() => void load(until)}>
          Older events
        </button>
      )}
    </section>
  );
}
