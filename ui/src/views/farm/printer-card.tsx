/**
 * One printer on the farm: state, job, a thumbnail of the layer it prints, progress with the time left, temperatures, live. The whole
 * card opens the printer's page (its name is the link, for keyboards and new tabs); Connect when the
 * printer is offline. `data-*` carry the raw values for tests and styles.
 */
import { computed, signal, type ReadonlySignal, type Signal } from '@preact/signals';
import { useMemo } from 'preact/hooks';
import { api } from '../../api/http.js';
import { can } from '../../api/session.js';
import { Notice } from '../../components/notice.js';
import { ProgressBar } from '../../components/progress.js';
import { useAction } from '../../components/use-action.js';
import { describeTemperatures, progressText } from '../../lib/format.js';
import { printerBase } from '../../lib/page.js';
import type { PushEvent } from '../../api/types.js';
import { PluginPanels, type PanelSources } from '../../plugins/plugin-panels.js';
import type { Card } from '../../push/farm-stream.js';

export type CardKind = 'printing' | 'error' | 'operational' | 'offline';

export function kindOf(flags: Card['state']['flags']): CardKind {
  if (flags.printing || flags.paused || flags.pausing || flags.cancelling) return 'printing';
  if (flags.error) return 'error';
  return flags.operational ? 'operational' : 'offline';
}

/** The layer thumbnail's code (and the parser's worker) is loaded when a card first prints, not with the farm's first load. */
const thumbnail = signal<typeof import('./layer-thumbnail.js').LayerThumbnail | null>(null);
let loading: Promise<void> | undefined;
function Thumbnail({ card }: { card: Signal<Card> }) {
  const Loaded = thumbnail.value;
  if (Loaded) return <Loaded card={card} />;
  loading ??= import('./layer-thumbnail.js').then(
    (m) => void (thumbnail.value = m.LayerThumbnail),
    () => void (loading = undefined),
  );
  // the thumbnail's room, kept while its code loads: a card that grew when it came shifted the farm's layout
  return <div class="thumb" aria-hidden="true" />;
}

export function PrinterCard({ card, selected, onSelect, events }: { card: Signal<Card>; selected: boolean; onSelect(on: boolean): void; events: ReadonlySignal<readonly PushEvent[]> }) {
  const c = card.value;
  const sources = useMemo<PanelSources>(() => ({ printer: card.peek().id, state: computed(() => card.value.live), events }), [card, events]);
  const connect = useAction(c.state.text);
  const base = printerBase(c.id);
  const completion = c.progress.completion;
  const open = (e: MouseEvent) => {
    // not when a control of the card was used (a plugin's section may have a select or a text area), nor
    // when the pointer selected text (a job's name dragged over to copy it opened the printer's page)
    if ((e.target as Element).closest('a, button, input, select, textarea, label, summary')) return;
    if (getSelection()?.isCollapsed === false) return;
    location.href = base || './';
  };
  return (
    <li
      class="card"
      data-printer={c.id}
      data-state={c.state.text}
      data-kind={kindOf(c.state.flags)}
      data-completion={completion == null ? '' : String(completion)}
      data-time-left={c.clock.left == null ? '' : String(c.clock.left)}
      onClick={open}
    >
      <h2>
        <span class="row" style={{ gap: '6px' }}>
          <input type="checkbox" class="select" checked={selected} aria-label={`Select ${c.name}`} onChange={(e) => onSelect((e.currentTarget as HTMLInputElement).checked)} />
          <a href={base || './'}>{c.name}</a>
        </span>
        <span class="state">{c.state.text}</span>
      </h2>
      <div class="job">{c.job.file.name ?? 'no job'}</div>
      {kindOf(c.state.flags) === 'printing' && <Thumbnail card={card} />}
      <ProgressBar value={completion} label={`${c.name} progress`} />
      <div class="progress">{progressText(completion, c.clock)}</div>
      <div class="temps">{describeTemperatures(c.heaters)}</div>
      {c.state.flags.closedOrError && can('CONNECTION') && (
        <div class="row">
          <button type="button" class="connect" disabled={connect.busy} onClick={() => void connect.run(() => api('POST', `${base}api/connection`, { command: 'connect' }))}>
            Connect
          </button>
        </div>
      )}
      <Notice error={connect.error} onDismiss={connect.clear} />
      <PluginPanels location="card" sources={sources} />
    </li>
  );
}
