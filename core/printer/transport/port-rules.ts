/**
 * The rules of the port allow-list, with no I/O: device-path globs (`serial.additionalPorts`,
 * as OctoPrint's setting of that name), the baud rates a connection may ask for, and the hosts a
 * `tcp://` port may name (`serial.tcp.allowedHosts`). The factories apply them before anything is
 * opened or even looked at on disk.
 */
import net from 'node:net';
import path from 'node:path';
import type { SettingsService } from '../../settings/settings-service.js';
import { serialSettings } from '../settings.js';

/** What a port is checked for: to be opened now (it must be there, a device), or to be saved in a printer's entry for later. */
export type PortUse = 'connect' | 'configure';

/**
 * Names a serial adapter takes (OctoPrint's serial port globs), allowed whether or not the device is
 * there now: a printer's entry may name an adapter that is unplugged.
 */
export const STANDARD_SERIAL_GLOBS: readonly string[] = [
  '/dev/ttyUSB*',
  '/dev/ttyACM*',
  '/dev/ttyAMA*',
  '/dev/ttyS*',
  '/dev/rfcomm*',
  '/dev/serial/by-id/*',
  '/dev/serial/by-path/*',
  '/dev/tty.usb*',
  '/dev/cu.*',
  '/dev/cuaU*',
];

/** The baud rates offered and accepted without configuration (OctoPrint's list). */
export const STANDARD_BAUDRATES: readonly number[] = [115200, 250000, 230400, 57600, 38400, 19200, 9600];

/** A glob as a RegExp: `*` any run and `?` any one character, neither crossing "/"; `[...]` a class (`[!...]` negated). */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '[' && glob.indexOf(']', i + 2) !== -1) {
      const end = glob.indexOf(']', i + 2);
      let body = glob.slice(i + 1, end);
      const negated = body.startsWith('!');
      if (negated) body = body.slice(1);
      source += `[${negated ? '^/' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = end;
    } else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/**
 * Why `port` cannot be a device path at all, or null: it must be absolute and already normal (no
 * "..", ".", "//" or trailing "/"), so that no glob can be walked out of, and hold no control characters.
 */
export function devicePathProblem(port: string): string | null {
  if (port.length > 1024) return 'the port name is too long';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(port)) return 'the port name holds control characters';
  if (!path.posix.isAbsolute(port)) return `"${port}" is not a serial port, "virtual" or a tcp://host:port address`;
  if (port.split('/').some((part) => part === '..' || part === '.') || path.posix.normalize(port) !== port || port.endsWith('/')) {
    return `"${port}" is not a normal path ("..", "." and "//" are not allowed)`;
  }
  return null;
}

/** Whether `port` matches one of `globs` (entries that are not strings are ignored). */
export function matchesAnyGlob(port: string, globs: readonly unknown[]): boolean {
  return globs.some((glob) => typeof glob === 'string' && glob !== '' && globToRegExp(glob).test(port));
}

/** The baud rates a client is offered: the standard ones, then `serial.additionalBaudrates`. */
export function offeredBaudrates(settings: SettingsService): number[] {
  const additional = settings.of(serialSettings).get().additionalBaudrates.filter((b) => typeof b === 'number' && !STANDARD_BAUDRATES.includes(b));
  return [...STANDARD_BAUDRATES, ...additional];
}

/** Why `baudrate` is refused, or null when it is a standard one or listed in `additional`. */
export function baudrateProblem(baudrate: number, additional: readonly unknown[]): string | null {
  if (STANDARD_BAUDRATES.includes(baudrate) || additional.includes(baudrate)) return null;
  return `baud rate ${baudrate} is not one of ${STANDARD_BAUDRATES.join(', ')} (serial.additionalBaudrates lists more)`;
}

/**
 * Whether a tcp:// host is allowed: an IP address inside a listed address or CIDR range, or a host
 * name written exactly as listed. A name is never resolved here, so a name not listed (e.g. "127.1",
 * which the resolver would read as 127.0.0.1) is refused rather than guessed at.
 */
export function hostAllowed(host: string, allowed: readonly unknown[]): boolean {
  const family = net.isIP(host);
  if (family === 0) return allowed.some((entry) => typeof entry === 'string' && entry.toLowerCase() === host.toLowerCase());
  const list = new net.BlockList();
  for (const entry of allowed) {
    if (typeof entry !== 'string') continue;
    const [address, bits] = entry.split('/');
    const entryFamily = net.isIP(address ?? '');
    if (entryFamily === 0) continue;
    const type = entryFamily === 6 ? 'ipv6' : 'ipv4';
    try {
      if (bits === undefined) list.addAddress(address!, type);
      else if (/^\d+$/.test(bits)) list.addSubnet(address!, Number(bits), type);
    } catch {
      // a prefix out of range ("10.0.0.0/40") allows nothing
    }
  }
  return list.check(host, family === 6 ? 'ipv6' : 'ipv4');
}
