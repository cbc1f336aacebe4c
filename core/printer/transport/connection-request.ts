/**
 * Whether a user's connect or disconnect (REST `/api/connection`) may go ahead: the port and baud
 * rate asked for must pass the allow-list (400), and a printer that is printing is not connected
 * elsewhere or disconnected unless the request says it means it with `force: true` (409), as a
 * disconnect from the UI's confirmation does. What is not asked for (the configured port) is trusted.
 */
import type { PrinterState } from '../printer-service.js';
import { isOperational } from '../octoprint-views.js';
import type { TransportProvider } from './transport-factory.js';

export interface ConnectionRequest {
  command: 'connect' | 'disconnect';
  port?: string;
  baudrate?: number;
  force?: boolean;
}

export interface ConnectionRefusal {
  status: 400 | 409;
  reason: string;
}

export async function refuseConnectionRequest(
  transports: TransportProvider,
  state: PrinterState,
  request: ConnectionRequest,
): Promise<ConnectionRefusal | null> {
  if (request.command === 'connect') {
    const problem = await transports.check({ port: request.port, baudrate: request.baudrate }, 'connect');
    if (problem) return { status: 400, reason: problem };
  }
  if (isOperational(state.id) && state.id !== 'OPERATIONAL' && request.force !== true) {
    return { status: 409, reason: `the printer is ${state.text.toLowerCase()}: a ${request.command} would end the print; send "force": true to ${request.command} anyway` };
  }
  return null;
}

/**
 * Why a printer entry's `connection` from a user (`/api/printers`, `cuttle printers add`, and
 * `serial.port`/`serial.baudrate` through `/api/settings`) may not be
 * saved, or null: its port and baud rate pass the allow-list as names to connect later (a serial
 * adapter may be unplugged now). Values of the wrong type are left to the entry's own check.
 */
export function refuseEntryConnection(transports: TransportProvider, connection: unknown): Promise<string | null> {
  if (typeof connection !== 'object' || connection === null) return Promise.resolve(null);
  const { port, baudrate } = connection as Record<string, unknown>;
  const wellFormed = typeof baudrate === 'number' && Number.isInteger(baudrate) && baudrate > 0;
  // '' and AUTO (OctoPrint's "pick one") name no port
  return transports.check({ port: typeof port === 'string' && port !== '' && port !== 'AUTO' ? port : undefined, baudrate: wellFormed ? baudrate : undefined }, 'configure');
}
