/**
 * Temperature presets: a hotend and a bed target per material, kept by the host
 * (`temperature.profiles`, served in `api/settings` as OctoPrint serves them), so every browser and
 * every OctoPrint app sees the same ones. Read once per page into a signal the preset buttons
 * render from; changed with SETTINGS, the host checking the values again.
 */
import { signal } from '@preact/signals';
import { api } from '../api/http.js';

export interface Preset {
  name: string;
  tool: number;
  bed: number;
  /** kept as the host has it (the app sets no chamber) */
  chamber?: number | null;
}

/** As `temperature.profiles` holds a preset (core/octoprint-settings/settings.ts). */
interface ServerPreset {
  name: string;
  extruder: number;
  bed: number;
  chamber: number | null;
}

interface SettingsDocument {
  temperature?: { profiles?: ServerPreset[] };
}

/** The host's presets; null until read (or when they cannot be). */
export const presets = signal<Preset[] | null>(null);

let reading: Promise<void> | undefined;

function fromServer(profiles: readonly ServerPreset[] | undefined): Preset[] {
  return (profiles ?? []).map((p) => ({ name: p.name, tool: p.extruder, bed: p.bed, chamber: p.chamber }));
}

/** Reads the presets once for this page (again with `fresh`); errors leave the signal as it was. */
export function loadPresets(fresh = false): Promise<void> {
  if (!reading || fresh) {
    reading = api<SettingsDocument>('GET', 'api/settings').then(
      (doc) => void (presets.value = fromServer(doc.temperature?.profiles)),
      () => undefined,
    );
  }
  return reading;
}

/** Saves the list on the host (SETTINGS); rejects with the host's reason, the presets unchanged. */
export async function savePresets(list: readonly Preset[]): Promise<void> {
  const profiles: ServerPreset[] = list.map((p) => ({ name: p.name.trim(), extruder: p.tool, bed: p.bed, chamber: p.chamber ?? null }));
  const doc = await api<SettingsDocument>('POST', 'api/settings', { temperature: { profiles } });
  presets.value = fromServer(doc.temperature?.profiles);
}
