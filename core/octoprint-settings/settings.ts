/**
 * Settings only OctoPrint clients use (`appearance.*`, `temperature.*`): the instance's name and
 * colour, and the temperature presets and history length apps offer. Served and changed through
 * /api/settings (octoprint-fields.ts); contributed by octoprintSettingsModule.
 */
import { defineSettings } from '../settings/settings-section.js';

export interface TemperaturePreset {
  name: string;
  extruder: number;
  bed: number;
  chamber: number | null;
}

const presets = {
  format: (value: unknown) => {
    if (!Array.isArray(value)) throw new Error('must be a list of {name, extruder, bed, chamber}');
    for (const p of value as Partial<TemperaturePreset>[]) {
      if (typeof p?.name !== 'string' || typeof p.extruder !== 'number' || typeof p.bed !== 'number') throw new Error('each preset needs name, extruder and bed');
    }
  },
};

export const appearanceSettings = defineSettings('appearance', {
  name: { doc: 'Name of this printer host, shown by apps and the status page.', format: String, default: '' },
  color: { doc: 'Colour clients use for this instance (OctoPrint: default, red, orange, …).', format: String, default: 'default' },
});

export const temperatureSettings = defineSettings('temperature', {
  profiles: {
    doc: 'Temperature presets offered to clients: [{name, extruder, bed, chamber}].',
    ...presets,
    default: [
      { name: 'ABS', extruder: 210, bed: 100, chamber: null },
      { name: 'PLA', extruder: 180, bed: 60, chamber: null },
    ] as TemperaturePreset[],
  },
  cutoff: { doc: 'Minutes of temperature history clients show.', format: 'nat', default: 30 },
});
