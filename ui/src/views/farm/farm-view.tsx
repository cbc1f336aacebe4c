/** The farm (home): a live card per printer, filtered and sorted by state; upload and print; app-key requests; events. */
import { useState } from 'preact/hooks';
import { can } from '../../api/session.js';
import { PluginPanels } from '../../plugins/plugin-panels.js';
import type { FarmStream } from '../../push/farm-stream.js';
import { EventsLog } from '../events-log.js';
import { AppKeyRequests } from './app-keys.js';
import { BulkActions } from './bulk-actions.js';
import { kindOf, PrinterCard, type CardKind } from './printer-card.js';
import { UploadAndPrint } from './upload-and-print.js';

const FILTERS: { value: 'all' | CardKind; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'printing', label: 'Printing' },
  { value: 'operational', label: 'Ready' },
  { value: 'offline', label: 'Offline' },
  { value: 'error', label: 'Error' },
];

export function FarmView({ stream }: { stream: FarmStream }) {
  const [filter, setFilter] = useState<'all' | CardKind>('all');
  const [sort, setSort] = useState<'config' | 'name' | 'progress'>('config');
  const [selected, setSelected] = useState<readonly string[]>([]);
  const order = stream.order.value;
  const chosen = selected.filter((id) => order.includes(id));
  // the cards' own signals are read here only to filter or sort (peek() for the id): a printer's update redraws its card alone
  let cards = order.map((id) => stream.card(id)).filter((c) => c !== undefined);
  if (filter !== 'all') cards = cards.filter((c) => kindOf(c.value.state.flags) === filter);
  if (sort === 'name') cards = [...cards].sort((a, b) => a.value.name.localeCompare(b.value.name));
  if (sort === 'progress') cards = [...cards].sort((a, b) => (b.value.progress.completion ?? -1) - (a.value.progress.completion ?? -1));
  return (
    <>
      <section class="panel" aria-labelledby="printers-h">
        <header>
          <h1 id="printers-h">
            Printers <span class="muted num">{order.length}</span>
          </h1>
          <div class="row">
            <label>
              Show
              <select value={filter} onChange={(e) => setFilter((e.currentTarget as HTMLSelectElement).value as typeof filter)}>
                {FILTERS.map((f) => (
                  <option value={f.value}>{f.label}</option>
                ))}
              </select>
            </label>
            <label>
              Sort
              <select value={sort} onChange={(e) => setSort((e.currentTarget as HTMLSelectElement).value as typeof sort)}>
                <option value="config">as configured</option>
                <option value="name">by name</option>
                <option value="progress">by progress</option>
              </select>
            </label>
          </div>
        </header>
        {chosen.length > 0 && <BulkActions selected={chosen} names={stream.names.value} onDone={() => setSelected([])} />}
        {!stream.listed.value ? (
          <p class="muted">Listing the printers…</p>
        ) : order.length === 0 ? (
          <p class="muted">No printers yet: add one with <code>npx cuttle printers add</code> or <code>POST /api/printers</code>.</p>
        ) : (
          <ul class="cards" id="cards">
            {cards.map((c) => (
              <PrinterCard
                key={c.peek().id}
                card={c}
                events={stream.events}
                selected={chosen.includes(c.peek().id)}
                onSelect={(on) => setSelected(on ? [...chosen, c.peek().id] : chosen.filter((id) => id !== c.peek().id))}
              />
            ))}
          </ul>
        )}
      </section>
      {/* drawn with the cards, not before: the cards arriving above would push it down the screen (layout shift) */}
      {stream.listed.value && (
        <div class="grid">
          {can('FILES_UPLOAD') && <UploadAndPrint names={stream.names.value} order={order} />}
          {(can('PLUGIN_APPKEYS_ADMIN') || can('PLUGIN_APPKEYS_GRANT')) && <AppKeyRequests changed={stream.appKeys.value} />}
          <EventsLog events={stream.events} names={stream.names.value} quiet />
          <PluginPanels location="farm" sources={{ printer: null, events: stream.events }} />
        </div>
      )}
    </>
  );
}
