/**
 * Plugin loading. Each plugin's own settings also live under `plugins.<id>`; those are not in this
 * schema (they are the plugin's), so the settings service takes them out before validation.
 */
import type convict from 'convict';

export interface PluginsConfig {
  plugins: { paths: string[]; disabled: string[]; nodeModules: string[] };
}

export const RESERVED_PLUGIN_KEYS = ['paths', 'disabled', 'nodeModules'] as const;

export const pluginsSchema: convict.Schema<PluginsConfig> = {
  plugins: {
    paths: { doc: 'Extra folders, each holding one plugin (a package.json with a "cuttle" field, or an index.js).', format: Array, default: [] as string[] },
    disabled: { doc: 'Ids of plugins not to load.', format: Array, default: [] as string[] },
    nodeModules: {
      doc: 'Extra node_modules folders to scan for plugin packages (besides the basedir\'s and cuttle\'s own).',
      format: Array,
      default: [] as string[],
    },
  },
};
