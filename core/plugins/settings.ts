/**
 * Plugin loading (`plugins.paths`, `plugins.disabled`, `plugins.nodeModules`), read by the host.
 * Each plugin's own settings also live under `plugins.<id>`: the settings service takes every key
 * not declared here out before validation (they are the plugin's).
 */
import { defineSettings } from '../settings/settings-section.js';

export const pluginsSettings = defineSettings('plugins', {
  paths: { doc: 'Extra folders, each holding one plugin (a package.json with a "cuttle" field, or an index.js).', format: Array, default: [] as string[] },
  disabled: { doc: 'Ids of plugins not to load.', format: Array, default: [] as string[] },
  nodeModules: {
    doc: 'Extra node_modules folders to scan for plugin packages (besides the basedir\'s and cuttle\'s own).',
    format: Array,
    default: [] as string[],
  },
});
