/** OctoPrint's state flags and temperature objects, derived from the PrinterService's snapshot. */
import { isOperational } from '../../files/sd-card.js';
import { stateFlags as pushStateFlags } from '../../push/printer-state.js';
import type { PrinterStateId, TemperatureReading } from '../../printer/printer-service.js';

export { isOperational };

/** The push channel's flags (one definition for push and REST), with the SD card's readiness. */
export function stateFlags(id: PrinterStateId, sdReady: boolean): Record<string, boolean> {
  return { ...pushStateFlags(id), sdReady };
}

export function temperatureJson(temperatures: Record<string, TemperatureReading>): Record<string, { actual: number; target: number | null; offset: number }> {
  const out: Record<string, { actual: number; target: number | null; offset: number }> = {};
  for (const [heater, reading] of Object.entries(temperatures)) out[heater] = { actual: reading.actual, target: reading.target, offset: 0 };
  return out;
}
