/** OctoPrint's state flags and temperature objects, derived from the PrinterService's snapshot. */
import type { TemperatureReading } from '../../printer/printer-service.js';

export { isOperational, stateFlags } from '../../printer/octoprint-views.js';

export function temperatureJson(temperatures: Record<string, TemperatureReading>): Record<string, { actual: number; target: number | null; offset: number }> {
  const out: Record<string, { actual: number; target: number | null; offset: number }> = {};
  for (const [heater, reading] of Object.entries(temperatures)) out[heater] = { actual: reading.actual, target: reading.target, offset: 0 };
  return out;
}
