/**
 * The farm page's sections by the address' hash (`#/history`, `#/events`, `#/settings`, a settings
 * page as `#/settings/<page>`): a hash keeps every URL of the app relative, so the page works under
 * any base, and back and forward work.
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

export const section = signal<Section>(current());
export const subsection = signal(subpath());
addEventListener('hashchange', () => {
  section.value = current();
  subsection.value = subpath();
});
