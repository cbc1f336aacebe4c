/** OctoPrint's state flags and temperature objects, derived from the PrinterService's snapshot. */
import type { PrinterSnapshot, PrinterStateId, TemperatureReading } from '../../printer/printer-service.js';

const NOT_OPERATIONAL: readonly PrinterStateId[] = ['OFFLINE', 'OPEN_SERIAL', 'CONNECTING', 'ERROR', 'CLOSED_WITH_ERROR'];

export function isOperational(id: PrinterStateId): boolean {
  return !NOT_OPERATIONAL.includes(id);
}

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

/** The printer's SD state when it reports one (the printer issue adds `sdReady`). */
export function sdReadyOf(printer: object): boolean {
  return (printer as { sdReady?: unknown }).sdReady === true;
}

export function stateText(snapshot: PrinterSnapshot): string {
  return snapshot.state.text;
}
