/**
 * The serial module's TransportFactory: offers the device paths the serial binding finds, and opens
 * any port no other factory owns as a serial device or pty (a path the binding cannot list, such as
 * a socat link, still opens). A user may connect only a detected port or one that
 * `serial.additionalPorts` matches, and only a character device.
 */
import fs from 'node:fs';
import { inject, injectable, optional } from 'inversify';
import { SettingsService } from '../../settings/settings-service.js';
import { serialSettings } from '../settings.js';
import { devicePathProblem, matchesAnyGlob } from './port-rules.js';
import { SerialTransport } from './serial-transport.js';
import type { TransportFactory, TransportRequest } from './transport-factory.js';
import type { Transport } from './transport.js';

@injectable()
export class SerialTransportFactory implements TransportFactory {
  readonly id = 'serial';

  constructor(@inject(SettingsService) @optional() private readonly settings?: SettingsService) {}

  listPorts(): Promise<string[]> {
    return SerialTransport.list();
  }

  claims(): 'fallback' {
    return 'fallback';
  }

  async check(port: string): Promise<string | null> {
    const detected = await this.listPorts();
    if (!detected.includes(port)) {
      const problem = devicePathProblem(port);
      if (problem) return problem;
      const globs = this.settings?.of(serialSettings).get().additionalPorts ?? [];
      if (!matchesAnyGlob(port, globs)) return `"${port}" is not a detected serial port, nor matched by serial.additionalPorts`;
    }
    // allowed by name; only now is the path looked at, and it must be a device (a pty link resolves to one)
    const stat = await fs.promises.stat(port).catch(() => null);
    if (!stat) return `"${port}" does not exist`;
    if (!stat.isCharacterDevice()) return `"${port}" is not a serial device`;
    return null;
  }

  open({ port, baudrate }: TransportRequest): Promise<Transport> {
    return SerialTransport.open(port, baudrate);
  }
}
