/**
 * The durable event log (`/api/events`, EVENTS permission): the newest events first, by type and
 * printer, 200 at a time.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, reasonOf } from '../../api/http.js';
import type { EarlierPage, LoggedEvent } from '../../api/types.js';
import { Notice } from '../../components/notice.js';
import { PrinterFilter, usePrinterNames } from '../../components/printer-filter.js';
import { EventType } from '../../components/event-type.js';
import { dateAndTime, describeEvent } from '../../lib/format.js';

const SHOWN = 200;
const KEPT = 5000;

/**
 * The newest KEPT events matching the filter, newest first: read backwards from the newest
 * (`before=`), so a month of a farm's events costs the same five pages as a day's (walking forward
 * from the oldest read the whole log first).
 */
async function newestEvents(filter: Record<string, string>): Promise<LoggedEvent[]> {
  const kept: LoggedEvent[] = [];
  let before: number | null = Number.MAX_SAFE_INTEGER;
  while (before !== null && kept.length < KEPT) {
    const page: EarlierPage = await api<EarlierPage>('GET', `api/events?${new URLSearchParams({ before: String(before), limit: '1000', ...filter })}`);
    kept.push(...page.events.reverse());
    before = page.previous;
  }
  return kept.slice(0, KEPT);
}

export function EventLogView() {
  const printers = usePrinterNames();
  const [type, setType] = useState('');
  const [printer, setPrinter] = useState('');
  const [events, setEvents] = useState<LoggedEvent[] | null>(null);
  const [shown, setShown] = useState(SHOWN);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    newestEvents({ ...(type ? { type } : {}), ...(printer ? { printer } : {}) }).then(
      (found) => (setEvents(found), setShown(SHOWN), setError(null)),
      (err) => setError(reasonOf(err)),
    );
  }, [type, printer]);
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
        {(events ?? []).slice(0, shown).map((e) => (
          <li key={e.seq}>
            <span class="when">{dateAndTime(e.time)}</span>
            {/* cut with an ellipsis when long: the whole name in its title */}
            <span class="who" title={e.printer ? (printers[e.printer] ?? e.printer) : undefined}>
              {e.printer ? (printers[e.printer] ?? e.printer) : ''}
            </span>
            <EventType type={e.type} />
            <span class="text">{describeEvent(e.type, e.payload as Record<string, unknown>)}</span>
          </li>
        ))}
      </ul>
      {events && events.length > shown && (
        <button type="button" onClick={() => setShown(shown + SHOWN)}>
          Older events
        </button>
      )}
    </section>
  );
}
