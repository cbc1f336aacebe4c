/**
 * The printers one host drives (`printers:`, contributed by printersModule): a list of entries,
 * each a printer with its own connection. Without it the host drives one printer, `default`, whose
 * connection is `serial.port`/`serial.baudrate`/`serial.autoconnect` as before.
 */
import { PRINTER_ID_PATTERN, RESERVED_PRINTER_IDS } from '../common/printer-id.js';
import type { PrinterEntry } from '../printer/printer-identity.js';
import { defineSettings } from '../settings/settings-section.js';
import { normalizeWebcams } from './webcams.js';

const ENTRY_KEYS = new Set(['id', 'name', 'connection', 'profile', 'listen', 'webcams']);
const CONNECTION_KEYS = new Set(['port', 'baudrate', 'autoconnect']);

/**
 * Checks one entry (from config.yaml or a request body) and fills its defaults. Throws an Error whose
 * message names the key, e.g. `"connection.baudrate" must be a positive whole number`.
 */
export function normalizePrinterEntry(value: unknown, defaults: { baudrate: number } = { baudrate: 115200 }): PrinterEntry {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('must be a mapping with id, name, connection, profile and an optional listen');
  const raw = value as Record<string, unknown>;
  const unknownKey = Object.keys(raw).find((key) => !ENTRY_KEYS.has(key));
  if (unknownKey) throw new Error(`"${unknownKey}" is not a printer setting (id, name, connection, profile, listen, webcams)`);
  const { id } = raw;
  if (typeof id !== 'string' || !PRINTER_ID_PATTERN.test(id) || id.length > 64) throw new Error('"id" must be 1 to 64 characters of a-z, 0-9 and "-", starting with a letter or digit');
  if (RESERVED_PRINTER_IDS.has(id)) throw new Error(`"id" cannot be "${id}": Moonraker's /printer/${id} paths are served at the root (reserved: ${[...RESERVED_PRINTER_IDS].join(', ')})`);
  const name = raw['name'] ?? id;
  if (typeof name !== 'string' || name.trim() === '' || name.length > 200) throw new Error('"name" must be a non-empty string of at most 200 characters');
  const connection = raw['connection'] ?? {};
  if (typeof connection !== 'object' || connection === null || Array.isArray(connection)) throw new Error('"connection" must be a mapping with port, baudrate and autoconnect');
  const conn = connection as Record<string, unknown>;
  const unknownConn = Object.keys(conn).find((key) => !CONNECTION_KEYS.has(key));
  if (unknownConn) throw new Error(`"connection.${unknownConn}" is not a connection setting (port, baudrate, autoconnect)`);
  const port = conn['port'] ?? 'virtual';
  if (typeof port !== 'string' || port === '' || port.length > 4096 || port.includes('\0')) throw new Error('"connection.port" must be a device path, a pty path or "virtual"');
  const baudrate = conn['baudrate'] ?? defaults.baudrate;
  if (typeof baudrate !== 'number' || !Number.isInteger(baudrate) || baudrate <= 0) throw new Error('"connection.baudrate" must be a positive whole number');
  const autoconnect = conn['autoconnect'] ?? false;
  if (typeof autoconnect !== 'boolean') throw new Error('"connection.autoconnect" must be true or false');
  const profile = raw['profile'] ?? '_default';
  if (typeof profile !== 'string' || profile === '') throw new Error('"profile" must be a printer profile id');
  const entry: PrinterEntry = { id, name, connection: { port, baudrate, autoconnect }, profile };
  if (raw['listen'] !== undefined && raw['listen'] !== null) {
    const listen = raw['listen'];
    if (typeof listen !== 'number' || !Number.isInteger(listen) || listen < 1 || listen > 65535) throw new Error('"listen" must be a TCP port from 1 to 65535');
    entry.listen = listen;
  }
  if (raw['webcams'] !== undefined && raw['webcams'] !== null) {
    const webcams = normalizeWebcams(raw['webcams']);
    if (webcams.length > 0) entry.webcams = webcams;
  }
  return entry;
}

/** Checks the whole list: every entry, then ids and listen ports unique. */
export function checkPrinterEntries(value: unknown): void {
  if (!Array.isArray(value)) throw new Error('must be a list of printers');
  const ids = new Set<string>();
  const ports = new Set<number>();
  value.forEach((item, index) => {
    let entry: PrinterEntry;
    try {
      entry = normalizePrinterEntry(item);
    } catch (err) {
      throw new Error(`entry ${index + 1}: ${(err as Error).message}`);
    }
    if (ids.has(entry.id)) throw new Error(`entry ${index + 1}: the id "${entry.id}" is used twice`);
    ids.add(entry.id);
    if (entry.listen !== undefined) {
      if (ports.has(entry.listen)) throw new Error(`entry ${index + 1}: the listen port ${entry.listen} is used twice`);
      ports.add(entry.listen);
    }
  });
}

export const printersSettings = defineSettings('printers', {
  doc:
    'The printers this host drives: a list of { id, name, connection: { port, baudrate, autoconnect }, profile, listen, webcams }. ' +
    'webcams: [{ name, streamUrl, snapshotUrl, service, enabled, flipH, flipV, rotation }], shown by Moonraker’s clients. ' +
    'Empty: one printer, "default", connected through serial.port. Each printer is served at /printer/<id>/, ' +
    'and also at the root of its own port when `listen` is set; the first one is also served at the root.',
  format: checkPrinterEntries,
  default: [] as PrinterEntry[],
});
