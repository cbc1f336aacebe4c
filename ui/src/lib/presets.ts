/**
 * Temperature presets: a hotend and a bed target per material. Editable in the temperature panel
 * and kept in this browser (localStorage: no secret in them).
 */
export interface Preset {
  name: string;
  tool: number;
  bed: number;
}

export const DEFAULT_PRESETS: readonly Preset[] = [
  { name: 'PLA', tool: 210, bed: 60 },
  { name: 'PETG', tool: 240, bed: 80 },
  { name: 'ABS', tool: 250, bed: 100 },
];

const ITEM = 'cuttle.presets';

function valid(value: unknown): value is Preset[] {
  return (
    Array.isArray(value) &&
    value.every((p) => p && typeof p.name === 'string' && Number.isFinite(p.tool) && Number.isFinite(p.bed) && p.tool >= 0 && p.tool <= 350 && p.bed >= 0 && p.bed <= 150)
  );
}

export function loadPresets(): Preset[] {
  try {
    const stored: unknown = JSON.parse(localStorage.getItem(ITEM) ?? 'null');
    if (valid(stored) && stored.length) return stored;
  } catch {
    /* unreadable: the defaults */
  }
  return DEFAULT_PRESETS.map((p) => ({ ...p }));
}

export function savePresets(presets: readonly Preset[]): void {
  localStorage.setItem(ITEM, JSON.stringify(presets));
}
