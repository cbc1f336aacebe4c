/** OctoPrint's state flags and temperature objects, derived from the PrinterService's snapshot. */
import { isOperational } from '../../files/sd-card.js';
import type { PrinterStateId, TemperatureReading } from '../../printer/printer-service.js';

export { isOperational };

export function stateFlags(id: PrinterStateId, sdReady: boolean): Record<string, boolean> {
  const operational = isOperational(id);
  const error = id === 'ERROR' || id === 'CLOSED_WITH_ERROR';
  return {
    operational,
    printing: id === 'PRINTING',
    cancelling: id === 'CANCELLING',
    pausing: id === 'PAUSING',
    resuming: id === 'RESUMING',
    finishing: id === 'FINISHING',
    closedOrError: id === 'OFFLINE' || error,
    error,
    paused: id === 'PAUSED',
    ready: id === 'OPERATIONAL',
    sdReady,
  };
}

export function temperatureJson(temperatures: Record<string, TemperatureReading>): Record<string, { actual: number; target: number | null; offset: number }> {
  const out: Record<string, { actual: number; target: number | null; offset: number }> = {};
  for (const [heater, reading] of Object.entries(temperatures)) out[heater] = { actual: reading.actual, target: reading.target, offset: 0 };
  return out;
}
