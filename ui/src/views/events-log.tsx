/** Live events as readable lines (newest first): time, printer (on the farm), type, a sentence. */
import type { ReadonlySignal } from '@preact/signals';
import { Component } from 'preact';
import { useState } from 'preact/hooks';
import type { PushEvent } from '../api/types.js';
import { EventType } from '../components/event-type.js';
import { describeEvent, eventLabel, timeOfDay } from '../lib/format.js';

/** Types that come many times a second while printing: hidden unless asked for. */
const CHATTY = new Set(['ZChange', 'plugin_printing_events_PrintProgress', 'ClientOpened', 'ClientClosed', 'ClientAuthed']);

interface RowProps {
  event: PushEvent;
  who: string | undefined;
}

/** One line; an event never changes, so a new batch draws its new rows only, not the 200 below them. */
class EventRow extends Component<RowProps> {
  override shouldComponentUpdate(next: RowProps): boolean {
    return next.event !== this.props.event || next.who !== this.props.who;
  }

  override render({ event: e, who }: RowProps) {
    return (
      <li title={`#${e.seq}`}>
        <span class="when">{timeOfDay(e.time)}</span>
        {who !== undefined && (
          <span class="who" title={who}>
            {who}
          </span>
        )}
        <EventType type={e.type} />
        <span class="text">{describeEvent(e.type, e.payload as Record<string, unknown>)}</span>
      </li>
    );
  }
}

/** `events` is the stream's signal, read here: a new batch redraws this list, not the view around it. */
export function EventsLog({ events: live, names, quiet = false }: { events: ReadonlySignal<readonly PushEvent[]>; names?: Readonly<Record<string, string>>; quiet?: boolean }) {
  const all = live.value;
  const [type, setType] = useState(quiet ? '-chatty' : '');
  const [printer, setPrinter] = useState('');
  const types = [...new Set(all.map((e) => e.type))].sort();
  const events = all.filter((e) => (type === '' ? true : type === '-chatty' ? !CHATTY.has(e.type) : e.type === type) && (!printer || e.printer === printer));
  return (
    <section class="panel" aria-labelledby="events-h">
      <header>
        <h2 id="events-h">
          Events <span class="muted num" id="event-count">{all.length}</span>
        </h2>
        <div class="row">
          <label>
            Type
            <select value={type} onChange={(e) => setType((e.currentTarget as HTMLSelectElement).value)}>
              <option value="">all</option>
              <option value="-chatty">all but progress and Z</option>
              {types.map((t) => (
                <option value={t}>{eventLabel(t)}</option>
              ))}
            </select>
          </label>
          {names && (
            <label>
              Printer
              <select value={printer} onChange={(e) => setPrinter((e.currentTarget as HTMLSelectElement).value)}>
                <option value="">all</option>
                {Object.entries(names).map(([id, name]) => (
                  <option value={id}>{name}</option>
                ))}
              </select>
            </label>
          )}
        </div>
      </header>
      {events.length === 0 ? (
        <p class="muted">{all.length === 0 ? 'No events since this page opened.' : `None to show: the ${all.length === 1 ? 'one event' : `${all.length} events`} since this page opened ${all.length === 1 ? 'is' : 'are'} filtered out.`}</p>
      ) : (
        <ul class="log" id="events" tabIndex={0} aria-label="Events, newest first">
          {events.map((e) => (
            <EventRow key={e.seq} event={e} who={names && (e.printer ? (names[e.printer] ?? e.printer) : '')} />
          ))}
        </ul>
      )}
    </section>
  );
}
