/** File storage, uploads and the G-code analysis settings (`files.*`), contributed by filesModule. */
import { defineSettings } from '../settings/settings-section.js';

interface AxisLimits {
  x: number;
  y: number;
  z: number;
  e: number;
}

const axes = (doc: string, defaults: AxisLimits) => ({
  x: { doc: `${doc} of X.`, format: Number, default: defaults.x },
  y: { doc: `${doc} of Y.`, format: Number, default: defaults.y },
  z: { doc: `${doc} of Z.`, format: Number, default: defaults.z },
  e: { doc: `${doc} of the extruder.`, format: Number, default: defaults.e },
});

/** `files.*`: read with `settings.of(filesSettings)`. */
export const filesSettings = defineSettings('files', {
  maxUploadBytes: { doc: 'Largest accepted upload in bytes.', format: 'nat', default: 1024 * 1024 * 1024 },
  filamentDiameter: { doc: 'Filament diameter in mm, for the volumes of the G-code analysis.', format: Number, default: 1.75 },
  analysis: {
    enabled: { doc: 'Analyse every new G-code file (in a worker thread).', format: Boolean, default: true },
    progressIntervalMs: { doc: 'Least time between two progress events of a long analysis (ms).', format: 'nat', default: 250 },
    printAcceleration: { doc: 'Acceleration (mm/s²) of printing moves the time estimate assumes until a file sets M204.', format: Number, default: 3000 },
    travelAcceleration: { doc: 'Acceleration (mm/s²) of travel moves the time estimate assumes.', format: Number, default: 3000 },
    retractAcceleration: { doc: 'Acceleration (mm/s²) of extruder-only moves the time estimate assumes.', format: Number, default: 3000 },
    junctionDeviation: { doc: 'Junction deviation (mm) for cornering speeds in the time estimate (Marlin M205 J).', format: Number, default: 0.013 },
    defaultFeedrate: { doc: 'Feed rate (mm/s) assumed before a file sets F.', format: Number, default: 50 },
    maxFeedrate: axes('Maximum feed rate (mm/s, M203)', { x: 300, y: 300, z: 5, e: 25 }),
    maxAcceleration: axes('Maximum acceleration (mm/s², M201)', { x: 3000, y: 3000, z: 100, e: 10000 }),
  },
});
