/** The folders under the basedir (`folder.*`): the settings service's own section, behind `settings.folder(name)`. */
import type { SchemaValue } from './settings-schema.js';
import { defineSettings } from './settings-section.js';

export const folderSettings = defineSettings('folder', {
  uploads: { doc: 'Local file storage; relative paths are under the basedir.', format: String, default: 'uploads' },
  timelapse: { doc: 'Rendered timelapse movies.', format: String, default: 'timelapse' },
  timelapseTmp: { doc: 'Frames of timelapses not rendered yet.', format: String, default: 'timelapse/tmp' },
  logs: { doc: 'Log files.', format: String, default: 'logs' },
  data: { doc: 'Plugin and service data.', format: String, default: 'data' },
  slicingProfiles: { doc: 'Slicing profiles, one folder per slicer.', format: String, default: 'slicingProfiles' },
});

export type FolderName = keyof SchemaValue<typeof folderSettings.schema>;
