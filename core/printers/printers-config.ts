/**
 * The `printers:` list as config.yaml holds it, for the registry of a running host and for
 * `cuttle printers` on a stopped one: the implicit `default` printer of a file without `printers:`,
 * the checks a new or changed entry must pass (a PrinterRegistryError with the HTTP status), and the
 * simulated farm of `cuttle serve --virtual-printers N`.
 */
import { DEFAULT_PRINTER_ID } from '../common/printer-id.js';
import { serialSettings } from '../printer/settings.js';
import type { PrinterEntry } from '../printer/printer-identity.js';
import { ConfigError, type SettingsService } from '../settings/settings-service.js';
import { PrinterRegistryError } from './printer-registry.js';
import { normalizePrinterEntry, printersSettings } from './settings.js';
import { serverSettings } from '../http/settings.js';

/** Most printers `--virtual-printers` starts. */
export const MAX_VIRTUAL_PRINTERS = 64;

/** The one printer of a host without `printers:`: its connection reads `serial.*` live, as before printers were configurable. */
export function implicitPrinterEntry(settings: SettingsService): PrinterEntry {
  const serial = settings.of(serialSettings);
  return {
    id: DEFAULT_PRINTER_ID,
    name: 'Default',
    connection: {
      get port() {
        return serial.get().port;
      },
      get baudrate() {
        return serial.get().baudrate;
      },
      get autoconnect() {
        return serial.get().autoconnect;
      },
    },
    profile: '_default',
  };
}

/** The configured printers (completed with the defaults), or the implicit one whose connection reads `serial.*` live. */
export function printerEntries(settings: SettingsService): PrinterEntry[] {
  const configured = settings.of(printersSettings).get();
  if (configured.length === 0) return [implicitPrinterEntry(settings)];
  const { baudrate } = settings.of(serialSettings).get();
  return configured.map((entry) => normalizePrinterEntry(entry, { baudrate }));
}

/** The configured printers, or the implicit one; each a plain copy (getters read once). */
export function configuredPrinterEntries(settings: SettingsService): PrinterEntry[] {
  return printerEntries(settings).map(plainEntry);
}

export function plainEntry(entry: PrinterEntry): PrinterEntry {
  return JSON.parse(JSON.stringify(entry)) as PrinterEntry;
}

/** A request body or command-line entry checked and completed; 400 naming the key when it is wrong. */
export function checkedPrinterEntry(input: unknown, settings: SettingsService): PrinterEntry {
  try {
    return normalizePrinterEntry(input, { baudrate: settings.of(serialSettings).get().baudrate });
  } catch (err) {
    throw new PrinterRegistryError(400, (err as Error).message);
  }
}

/** `entry` merged over `changes` (a mapping; `connection` merged key by key); its id cannot change. */
export function changedPrinterEntry(entry: PrinterEntry, changes: unknown, settings: SettingsService): PrinterEntry {
  if (typeof changes !== 'object' || changes === null || Array.isArray(changes)) throw new PrinterRegistryError(400, 'the changes must be a JSON object');
  const patch = changes as Record<string, unknown>;
  if (patch['id'] !== undefined && patch['id'] !== entry.id) throw new PrinterRegistryError(400, 'a printer\'s "id" cannot be changed; add a new printer instead');
  const connection = patch['connection'];
  if (connection !== undefined && (typeof connection !== 'object' || connection === null || Array.isArray(connection))) {
    throw new PrinterRegistryError(400, '"connection" must be a mapping with port, baudrate and autoconnect');
  }
  return checkedPrinterEntry({ ...plainEntry(entry), ...patch, connection: { ...entry.connection, ...(connection as object | undefined) }, id: entry.id }, settings);
}

/** 409 when another printer (not `self`) has the id of a new entry, or the entry's listen port is taken. */
export function checkPrinterClashes(entries: readonly PrinterEntry[], entry: PrinterEntry, settings: SettingsService, self?: string): void {
  if (self === undefined && entries.some((e) => e.id === entry.id)) throw new PrinterRegistryError(409, `a printer with the id "${entry.id}" exists already`);
  if (entry.listen === undefined) return;
  if (entry.listen === settings.of(serverSettings).get().port) throw new PrinterRegistryError(409, `the listen port ${entry.listen} is the main port`);
  const other = entries.find((e) => e.id !== (self ?? entry.id) && e.listen === entry.listen);
  if (other) throw new PrinterRegistryError(409, `the listen port ${entry.listen} is used by printer "${other.id}"`);
}

/** Sets `printers:` to `entries` (the registry's list, in order) and saves config.yaml atomically. */
export async function savePrinterEntries(settings: SettingsService, entries: readonly PrinterEntry[]): Promise<void> {
  try {
    settings.of(printersSettings).update(entries.map(plainEntry));
  } catch (err) {
    throw new PrinterRegistryError(400, err instanceof ConfigError ? err.problem : String(err));
  }
  await settings.save();
}

/** `virtual-1` … `virtual-N`, each its own simulated printer, connected at start (baudrate: serial.baudrate). */
export function virtualPrinterEntries(count: number): Omit<PrinterEntry, 'connection'>[] {
  return Array.from({ length: count }, (_, index) => ({
    id: `virtual-${index + 1}`,
    name: `Virtual ${index + 1}`,
    connection: { port: 'virtual', autoconnect: true },
    profile: '_default',
  }));
}
