/**
 * Options of the simulated printer. Its defaults are the config schema's (`serial.virtual`), so the
 * CLI, the in-process port, tests and the benchmark all start from the same documented values.
 */
import os from 'node:os';
import path from 'node:path';
import { schemaDefaults } from '../../settings/settings-schema.js';
import { serialSettings, type VirtualPrinterConfig } from '../settings.js';

export interface VirtualPrinterOptions extends VirtualPrinterConfig {
  baudrate: number;
  /** pace bytes at `baudrate` in both directions (a pty does not) */
  pacing: boolean;
  /** wait out pacing's last millisecond asleep, blocking the process, instead of polling (see WireClock) */
  sleepPacing?: boolean;
}

/** Partial options with nested `faults` also partial. */
export type VirtualPrinterOverrides = Partial<Omit<VirtualPrinterOptions, 'faults'>> & { faults?: Partial<VirtualPrinterConfig['faults']> };

export function virtualPrinterOptions(overrides: VirtualPrinterOverrides = {}): VirtualPrinterOptions {
  const defaults = schemaDefaults(serialSettings.schema.virtual);
  const baudrate = serialSettings.schema.baudrate.default;
  return {
    ...defaults,
    baudrate,
    ...overrides,
    sdFolder: overrides.sdFolder || defaults.sdFolder || path.join(os.tmpdir(), 'cuttle-virtual-sd'),
    faults: { ...defaults.faults, ...overrides.faults },
  };
}
