/**
 * Options of the simulated printer. Its defaults are the config schema's (`serial.virtual`), so the
 * CLI, the in-process port, tests and the benchmark all start from the same documented values.
 */
import os from 'node:os';
import path from 'node:path';
import { serialSchema, type VirtualPrinterConfig } from '../../settings/schema/serial.js';

export interface VirtualPrinterOptions extends VirtualPrinterConfig {
  baudrate: number;
  /** pace bytes at `baudrate` in both directions (a pty does not) */
  pacing: boolean;
  /** wait out pacing's last millisecond asleep, blocking the process, instead of polling (see WireClock) */
  sleepPacing?: boolean;
}

/** Partial options with nested `faults` also partial. */
export type VirtualPrinterOverrides = Partial<Omit<VirtualPrinterOptions, 'faults'>> & { faults?: Partial<VirtualPrinterConfig['faults']> };

function schemaDefaults(node: unknown): unknown {
  if (node && typeof node === 'object' && 'default' in node && 'doc' in node) return (node as { default: unknown }).default;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(node as object)) out[key] = schemaDefaults(child);
  return out;
}

export function virtualPrinterOptions(overrides: VirtualPrinterOverrides = {}): VirtualPrinterOptions {
  const defaults = schemaDefaults(serialSchema.serial.virtual) as VirtualPrinterConfig;
  const baudrate = serialSchema.serial.baudrate.default as number;
  return {
    ...defaults,
    baudrate,
    ...overrides,
    sdFolder: overrides.sdFolder || defaults.sdFolder || path.join(os.tmpdir(), 'cuttle-virtual-sd'),
    faults: { ...defaults.faults, ...overrides.faults },
  };
}
