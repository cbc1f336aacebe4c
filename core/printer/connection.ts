/** Opens the Transport for a port name: "virtual" is the in-process simulator, anything else a serial device or pty. */
import path from 'node:path';
import type { SettingsService } from '../settings/settings-service.js';
import { InProcessTransport } from './simulator/in-process.js';
import { virtualPrinterOptions } from './simulator/options.js';
import { SerialTransport } from './transport/serial-transport.js';
import type { Transport } from './transport/transport.js';

export const VIRTUAL_PORT = 'virtual';

/** `sdName`: the folder under the basedir behind a simulated printer's card, one per printer of a farm. */
export async function openTransport(port: string, baudrate: number, settings: SettingsService, sdName = 'virtual-sd'): Promise<Transport> {
  if (port.toLowerCase() === VIRTUAL_PORT) {
    const config = settings.get('serial.virtual');
    return new InProcessTransport(virtualPrinterOptions({ ...config, baudrate, sdFolder: config.sdFolder || path.join(settings.basedir, sdName) }));
  }
  return SerialTransport.open(port, baudrate);
}

export async function listPorts(): Promise<string[]> {
  return [VIRTUAL_PORT, ...(await SerialTransport.list())];
}
