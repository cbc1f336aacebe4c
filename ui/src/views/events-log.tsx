/** Live events as readable lines (newest first): time, printer (on the farm), type, a sentence. */
import type { PushEvent } from '../api/types.js';
import { describeEvent } from '../lib/format.js';

function when(e: PushEvent): string {
  const t = new Date(e.time);
  return Number.isNaN(t.getTime()) ? '' : t.toLocaleTimeString();
}

export function EventsLog({ events, names }: { events: readonly PushEvent[]; names?: Readonly<Record<string, string>> }) {
  return (
    <section class="panel" aria-labelledby="events-h">
      <header>
        <h2 id="events-h">
          Events <span class="muted num" id="event-count">{events.length}</span>
        </h2>
      </header>
      {events.length === 0 ? (
        <p class="muted">No events since this page opened.</p>
      ) : (
        <ul class="log" id="events" tabIndex={0} aria-label="Events, newest first">
          {events.map((e) => (
            <li key={e.seq} title={`#${e.seq}`}>
              <span class="when">{when(e)}</span>
              {names && <span class="who">{e.printer ? (names[e.printer] ?? e.printer) : ''}</span>}
              <span class="what">{e.type}</span>
              <span class="text">{describeEvent(e.type, e.payload as Record<string, unknown>)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
