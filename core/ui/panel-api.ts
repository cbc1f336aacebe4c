/**
 * What a panel's module gets from the web app (types only: the module runs in the browser). A plugin's
 * panel is written against `PanelApi`, exported by 'cuttle':
 *
 *     import type { PanelApi } from 'cuttle';
 *     export function mount(element: HTMLElement, api: PanelApi<{ greeting: string }>) {
 *       return api.onCurrent((state) => (element.textContent = state.state.text));
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

/** What a subscription answers: `dispose()` ends it (the shape of cuttle's Disposable). */
export interface PanelSubscription {
  dispose(): void;
}

/** `S`: the plugin's settings' values, as its schema types them (`SettingsOf`). */
export interface PanelApi<S extends object = Record<string, unknown>> {
  /** the printer of the panel (its page, or its farm card), null on the farm and in the settings */
  readonly printer: string | null;
  /** the signed-in user's name and permission keys */
  readonly user: { name: string; permissions: readonly string[] };
  /**
   * A REST call with the user's sign-in (sent as a header another site cannot make the browser send:
   * CSRF-safe), `path` relative to the printer's base (`api/job`, `plugin/<id>/…`); JSON in and out;
   * rejects with an Error carrying the host's reason and `status`.
   */
  request<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  /** the printer's state on each push update (a printer's or a card's panel; never on the farm) */
  onCurrent(listener: (state: PushPrinterState) => void): PanelSubscription;
  /** each event the page receives from now on: on a printer's page or card, that printer's and the shared ones; on the farm and in the settings, all */
  onEvent(listener: (event: PanelEvent) => void): PanelSubscription;
  /**
   * The plugin's own settings (`plugins.<id>`, its settings page `api/settings/pages/plugins.<id>`):
   * `get` needs SETTINGS_READ and answers sensitive ones as ''; `set` needs SETTINGS, is validated by
   * the plugin's schema, merges `values` and answers the settings as saved; a refusal names the key.
   */
  readonly settings: {
    get(): Promise<S>;
    set(values: Partial<S>): Promise<S>;
  };
}

/**
 * A panel module exports `mount(element: HTMLElement, api: PanelApi)` (the browser's types are the
 * module's own); what it returns, a function or a PanelSubscription, is called or disposed when the panel goes.
 */
