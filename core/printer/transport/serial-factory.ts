/**
 * The serial module's TransportFactory: offers the device paths the serial binding finds, and opens
 * any port no other factory owns as a serial device or pty (a path the binding cannot list, such as
 * a socat link, still opens). A user may connect only a detected port or one that
 * is named like a serial adapter or that `serial.additionalPorts` matches; connected now, it must be a
 * character device.
 */
import fs from 'node:fs';
import { inject, injectable, optional } from 'inversify';
import { SettingsService } from '../../settings/settings-service.js';
import { serialSettings } from '../settings.js';
import { devicePathProblem, matchesAnyGlob, STANDARD_SERIAL_GLOBS, type PortUse } from './port-rules.js';
import { SerialTransport } from './serial-transport.js';
import type { TransportFactory, TransportRequest } from './transport-factory.js';
import type { Transport } from './transport.js';

const LIST_REUSE_MS = 2000;

@injectable()
export class SerialTransportFactory implements TransportFactory {
  readonly id = 'serial';

  constructor(@inject(SettingsService) @optional() private readonly settings?: SettingsService) {}

  private listed: { at: number; ports: Promise<string[]> } | null = null;

  /** The binding's list, shared for a moment: on Linux each listing runs udevadm (~0.1 to 0.3 s). */
  listPorts(): Promise<string[]> {
    const now = Date.now();
    if (!this.listed || now - this.listed.at > LIST_REUSE_MS) this.listed = { at: now, ports: SerialTransport.list() };
    return this.listed.ports;
  }

  claims(): 'fallback' {
    return 'fallback';
  }

  async check(port: string, use: PortUse): Promise<string | null> {
    if (!this.allowedName(port) && !(await this.listPorts()).includes(port)) {
      return devicePathProblem(port) ?? `"${port}" is not a serial port (detected, or named like one) nor matched by serial.additionalPorts`;
    }
    if (use === 'configure') return null;
    // allowed by name; only now is the path looked at, and it must be a device (a pty link resolves to one)
    const stat = await fs.promises.stat(port).catch(() => null);
    if (!stat) return `"${port}" does not exist`;
    if (!stat.isCharacterDevice()) return `"${port}" is not a serial device`;
    return null;
  }

  /** A normal absolute path named like a serial adapter or matched by serial.additionalPorts. */
  private allowedName(port: string): boolean {
    if (devicePathProblem(port)) return false;
    return matchesAnyGlob(port, STANDARD_SERIAL_GLOBS) || matchesAnyGlob(port, this.settings?.of(serialSettings).get().additionalPorts ?? []);
  }

  open({ port, baudrate }: TransportRequest): Promise<Transport> {
    return SerialTransport.open(port, baudrate);
  }
}
