/**
 * The web app's contribution point for panels from plugins (and core modules): a panel is an ES
 * module that exports `mount(element, api)` (panel-api.ts), shown on each printer's page or on the
 * farm, to users holding its permission. Panels come and go at run time (`register` answers a
 * Disposable), as plugins do. The module is served by the host (`ui-panels/<owner>/<id>.js`), so the
 * page's CSP (`script-src 'self'`) admits it without loosening.
 */
import type { Disposable } from '../common/disposable.js';
import type { Event } from '../common/event.js';
import type { PluginUi } from '../plugins/plugin-info.js';

/** 'printer': a panel on each printer's page; 'tab': a tab of it, mounted while selected; 'card': a section on each farm card; 'farm': a panel on the farm; 'settings': a page of the settings */
export type UiPanelLocation = PluginUi['location'];

export interface UiPanel {
  /** the plugin (or module) offering it: lower case, letters, digits and dashes */
  owner: string;
  /** unique within its owner, same characters */
  id: string;
  title: string;
  location: UiPanelLocation;
  /** absolute path of the ES module file (built JavaScript, one file, at most 1 MB) */
  module: string;
  /** a folder the module must stay in, symbolic links resolved, at each read (a plugin's package folder) */
  root?: string;
  /** a permission key the user must hold to see it (the host still checks every call it makes) */
  permission?: string;
}

/** What `GET api/ui/panels` answers for each panel the user may see. */
export interface UiPanelJson {
  owner: string;
  id: string;
  title: string;
  location: UiPanelLocation;
  /** relative to the app's base */
  url: string;
}

export interface UiPanels {
  register(panel: UiPanel): Disposable;
  list(): readonly UiPanel[];
  /** a panel came or went (the open pages list them again: panel-announcements.ts) */
  readonly onDidChange: Event<void>;
}
export const UiPanels = Symbol.for('cuttle.UiPanels');

export const PANEL_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const PANEL_LOCATIONS: readonly UiPanelLocation[] = ['printer', 'tab', 'card', 'farm', 'settings'];
/** a panel's module: one built JavaScript file of at most this size */
export const MAX_PANEL_MODULE_BYTES = 1 << 20;
