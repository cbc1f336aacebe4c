/**
 * Settings OctoPrint clients use (`appearance.*`, `temperature.*`): the instance's name and
 * colour, and the temperature presets (the web app's too) and history length apps offer. Served and changed through
 * /api/settings (octoprint-fields.ts); contributed by octoprintSettingsModule.
 */
import { defineSettings } from '../settings/settings-section.js';

export interface TemperaturePreset {
  name: string;
  extruder: number;
  bed: number;
  chamber: number | null;
}

/** Hotter than any hotend or bed a preset should ask for: a typo (2100) is refused, not sent to a heater. */
const MAX_PRESET_C = { extruder: 500, bed: 200, chamber: 150 } as const;

const presets = {
  format: (value: unknown) => {
    if (!Array.isArray(value)) throw new Error('must be a list of {name, extruder, bed, chamber}');
    const names = new Set<string>();
    (value as Partial<TemperaturePreset>[]).forEach((p, i) => {
      if (typeof p?.name !== 'string' || p.name.trim() === '' || typeof p.extruder !== 'number' || typeof p.bed !== 'number') throw new Error(`preset ${i + 1} needs a name, extruder and bed`);
      if (names.has(p.name)) throw new Error(`preset ${i + 1}: the name "${p.name}" is used twice`);
      names.add(p.name);
      for (const heater of ['extruder', 'bed', 'chamber'] as const) {
        const c = p[heater];
        if (c === null || c === undefined) continue;
        if (typeof c !== 'number' || !Number.isFinite(c) || c < 0 || c > MAX_PRESET_C[heater]) throw new Error(`preset ${i + 1} (${p.name}): ${heater} must be from 0 to ${MAX_PRESET_C[heater]} °C`);
      }
    });
  },
};

export const appearanceSettings = defineSettings('appearance', {
  name: { doc: 'Name of this printer host, shown by apps and the status page.', format: String, default: '' },
  color: { doc: 'Colour clients use for this instance (OctoPrint: default, red, orange, …).', format: String, default: 'default' },
});

export const temperatureSettings = defineSettings('temperature', {
  profiles: {
    doc: "Temperature presets (°C) offered to clients and the web app's preset buttons: [{name, extruder, bed, chamber}].",
    ...presets,
    default: [
      { name: 'PLA', extruder: 210, bed: 60, chamber: null },
      { name: 'PETG', extruder: 240, bed: 80, chamber: null },
      { name: 'ABS', extruder: 250, bed: 100, chamber: null },
    ] as TemperaturePreset[],
  },
  cutoff: { doc: 'Minutes of temperature history clients show.', format: 'nat', default: 30 },
});
