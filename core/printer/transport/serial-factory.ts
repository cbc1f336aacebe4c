/**
 * The serial module's TransportFactory: offers the device paths the serial binding finds, and opens
 * any port no other factory owns as a serial device or pty (a path the binding cannot list, such as
 * a socat link, still opens). A user may connect only a detected port or one that
 * is named like a serial adapter or that `serial.additionalPorts` matches; connected now, it must be a
 * character device.
 */
import fs from 'node:fs';
import path from 'node:path';
import { inject, injectable, optional } from 'inversify';
import { SettingsService } from '../../settings/settings-service.js';
import { serialSettings } from '../settings.js';
import { devicePathProblem, globToRegExp, matchesAnyGlob, STANDARD_SERIAL_GLOBS, type PortUse } from './port-rules.js';
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
  private detected(): Promise<string[]> {
    const now = Date.now();
    if (!this.listed || now - this.listed.at > LIST_REUSE_MS) this.listed = { at: now, ports: SerialTransport.list() };
    return this.listed.ports;
  }

  /** The detected ports, then what `serial.additionalPorts` matches now (as OctoPrint offers them). */
  async listPorts(): Promise<string[]> {
    const globs = this.settings?.of(serialSettings).get().additionalPorts ?? [];
    const matched = await Promise.all(globs.map((glob) => expandGlob(glob)));
    return [...new Set([...(await this.detected()), ...matched.flat()])];
  }

  claims(): 'fallback' {
    return 'fallback';
  }

  async check(port: string, use: PortUse): Promise<string | null> {
    if (!this.allowedName(port) && !(await this.detected()).includes(port)) {
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

/** The devices a glob matches now; only the last segment may hold wildcards (others match nothing here). */
async function expandGlob(glob: unknown): Promise<string[]> {
  if (typeof glob !== 'string' || devicePathProblem(glob.replace(/[*?[\]!]/g, 'x'))) return [];
  const folder = path.posix.dirname(glob);
  if (/[*?[]/.test(folder)) return [];
  const names = await fs.promises.readdir(folder).catch(() => [] as string[]);
  const pattern = globToRegExp(glob);
  const matched = names.map((name) => path.posix.join(folder, name)).filter((candidate) => pattern.test(candidate));
  // offered only what could be connected: devices (a pty link resolves to one)
  const devices = await Promise.all(matched.map((candidate) => fs.promises.stat(candidate).then((stat) => stat.isCharacterDevice(), () => false)));
  return matched.filter((_, i) => devices[i]).sort();
}
