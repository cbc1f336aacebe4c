/**
 * Where the page is, by the address' hash: the farm page's sections (`#/history`, `#/events`,
 * `#/settings`, a settings page as `#/settings/<page>`), a printer page's selected tab (`#/tab/<key>`).
 * A hash keeps every URL of the app relative, so the page works under any base, a reload or a shared
 * link opens the same place, and back and forward work.
 */
import { signal } from '@preact/signals';

export const SECTIONS = [
  { id: '', label: 'Printers' },
  { id: 'history', label: 'History' },
  { id: 'events', label: 'Event log' },
  { id: 'settings', label: 'Settings' },
] as const;
export type Section = (typeof SECTIONS)[number]['id'];

function current(): Section {
  const id = location.hash.replace(/^#\/?/, '').split('/')[0];
  return SECTIONS.some((s) => s.id === id) ? (id as Section) : '';
}

/** What follows the section in the hash (`#/settings/plugins.mqtt` → `plugins.mqtt`), '' for none. */
function subpath(): string {
  return decodeURIComponent(location.hash.replace(/^#\/?[^/]*\/?/, ''));
}

/** A printer page's tab in the hash (`#/tab/octolapse-view` → `octolapse-view`), '' for the page's own sections. */
function tabOf(): string {
  const found = /^#\/tab\/(.+)$/.exec(location.hash);
  return found ? decodeURIComponent(found[1]!) : '';
}

export const section = signal<Section>(current());
export const subsection = signal(subpath());
export const printerTab = signal(tabOf());
addEventListener('hashchange', () => {
  // an in-page link (the skip link's `#main`) is not a place: the page stays where it was
  if (location.hash && !location.hash.startsWith('#/')) return;
  section.value = current();
  subsection.value = subpath();
  printerTab.value = tabOf();
});

/** Selects a printer page's tab ('' for its own sections) as a new history entry, so back returns to the tab before. */
export function selectPrinterTab(key: string): void {
  if (key === printerTab.peek()) return;
  // the page's own sections drop the hash rather than leave a bare '#'
  history.pushState(null, '', key ? `#/tab/${encodeURIComponent(key)}` : location.pathname + location.search);
  printerTab.value = key;
}
