/**
 * Reads `@Plugin({ ui })`: each entry is checked when the plugin loads (an id, a location, and one
 * module file inside the plugin's folder) and registered with UiPanels while the plugin runs.
 */
import path from 'node:path';
import { inject, injectable } from 'inversify';
import { Disposable, DisposableStore } from '../common/disposable.js';
import type { PluginInfoReader } from '../plugins/contributions.js';
import type { PluginInfo } from '../plugins/plugin-info.js';
import { PANEL_LOCATIONS, PANEL_NAME, UiPanels, type UiPanel } from './panels.js';
import { resolvePanelModule } from './panels-impl.js';

/** A plugin's `ui` as UiPanels takes it; throws when an entry is malformed or its module is not a file inside the plugin's folder. */
export function pluginPanels(info: PluginInfo, folder: string): UiPanel[] {
  return (info.ui ?? []).map((ui, index, all) => {
    if (!PANEL_NAME.test(ui.id) || all.findIndex((other) => other.id === ui.id) !== index) throw new Error(`ui "${ui.id}": an id is unique in the plugin and matches ${PANEL_NAME}`);
    if (!PANEL_LOCATIONS.includes(ui.location)) throw new Error(`ui "${ui.id}": location is one of ${PANEL_LOCATIONS.join(', ')}`);
    const module = path.resolve(folder, ui.module);
    const found = resolvePanelModule(module, folder);
    if ('reason' in found) throw new Error(`ui "${ui.id}": ${found.reason} (${ui.module})`);
    return { owner: info.id, id: ui.id, title: ui.title, location: ui.location, module, root: folder, ...(ui.permission ? { permission: ui.permission } : {}) };
  });
}

@injectable()
export class PluginUiReader implements PluginInfoReader {
  constructor(@inject(UiPanels) private readonly panels: UiPanels) {}

  check(info: PluginInfo, folder: string): void {
    pluginPanels(info, folder);
  }

  apply(info: PluginInfo, folder: string): Disposable {
    const shown = new DisposableStore();
    try {
      for (const panel of pluginPanels(info, folder)) shown.add(this.panels.register(panel));
    } catch (err) {
      shown.dispose();
      throw err;
    }
    return shown;
  }
}
