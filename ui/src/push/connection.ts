/** The state of the page's live connection to the host (one stream per page), as the header shows it, and the page-wide news it brings. */
import { signal } from '@preact/signals';

/** `gone`: the host answers, but has no such printer (removed while its page was open, or a wrong address) */
export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'refused' | 'gone';

export const connection = signal<ConnectionStatus>('connecting');

export const CONNECTION_TEXT: Record<ConnectionStatus, string> = {
  connecting: 'connecting…',
  connected: 'live',
  reconnecting: 'host unreachable: reconnecting…',
  refused: 'refused',
  gone: 'no such printer',
};

/** bumped when the host says the plugins' panels changed (a `core.panels` message): the panels are listed again */
export const panelsChanged = signal(0);

/** bumped each time the host is back after being away: what a view loaded once (not pushed to it) is loaded again */
export const hostReturned = signal(0);

/** The stream is live. Back after the host was away (a restart may have started or stopped plugins, unannounced to this page), the panels are listed again. */
export function markConnected(): void {
  if (connection.peek() === 'reconnecting' || connection.peek() === 'gone') {
    panelsChanged.value++;
    hostReturned.value++;
  }
  connection.value = 'connected';
}
