/**
 * The simulator's TransportFactory: the port `virtual` is a VirtualPrinter in this process
 * (in-process.ts), configured by `serial.virtual`, with an SD card folder of its own per printer
 * of a farm under the basedir.
 */
import path from 'node:path';
import { inject, injectable } from 'inversify';
import { DEFAULT_PRINTER_ID } from '../../common/printer-id.js';
import { SettingsService } from '../../settings/settings-service.js';
import { serialSettings } from '../settings.js';
import type { TransportFactory, TransportRequest } from '../transport/transport-factory.js';
import type { Transport } from '../transport/transport.js';
import { InProcessTransport } from './in-process.js';
import { virtualPrinterOptions } from './options.js';

export const VIRTUAL_PORT = 'virtual';

@injectable()
export class VirtualTransportFactory implements TransportFactory {
  readonly id = VIRTUAL_PORT;

  constructor(@inject(SettingsService) private readonly settings: SettingsService) {}

  async listPorts(): Promise<string[]> {
    return [VIRTUAL_PORT];
  }

  claims(port: string): boolean {
    return port.toLowerCase() === VIRTUAL_PORT;
  }

  async check(): Promise<string | null> {
    return null;
  }

  async open({ baudrate, printer }: TransportRequest): Promise<Transport> {
    const config = this.settings.of(serialSettings).get().virtual;
    // the first printer keeps the folder a single-printer host always had
    const sdName = printer === DEFAULT_PRINTER_ID ? 'virtual-sd' : `virtual-sd-${printer}`;
    return new InProcessTransport(virtualPrinterOptions({ ...config, baudrate, sdFolder: config.sdFolder || path.join(this.settings.basedir, sdName) }));
  }
}
