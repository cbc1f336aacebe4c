/**
 * What a panel's module gets from the web app (types only: the module is loaded by the browser).
 * A plugin's panel is written against this:
 *
 *     import type { PanelApi } from 'cuttle/…';
 *     export function mount(element: HTMLElement, api: PanelApi) {
 *       const off = api.onCurrent((state) => (element.textContent = state.state.text));
 *       return off;
 *     }
 */
import type { PushPrinterState } from '../push/printer-state.js';

export interface PanelEvent {
  type: string;
  payload: object;
  seq: number;
  time: string;
  printer?: string;
}

export interface PanelApi {
  /** the printer of the page (a printer panel), null on the farm */
  readonly printer: string | null;
  /** the signed-in user's name and permission keys */
  readonly user: { name: string; permissions: readonly string[] };
  /** a REST call with the user's sign-in, `path` relative to the printer's base (`api/job`, `plugin/<id>/…`); rejects with the host's reason */
  request<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  /** the printer's state on each push update (printer panels); returns the unsubscribe */
  onCurrent(listener: (state: PushPrinterState) => void): () => void;
  /** each event the page receives; returns the unsubscribe */
  onEvent(listener: (event: PanelEvent) => void): () => void;
}

/**
 * A panel module exports `mount(element: HTMLElement, api: PanelApi): void | (() => void)`; the
 * function it may return is called when the panel goes (the browser's types are the module's own).
 */
