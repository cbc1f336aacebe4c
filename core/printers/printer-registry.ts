/**
 * The printer registry contract: the printers one host drives, each a scope (an Inversify child
 * container) with its own PrinterService, protocol, job, SD card, timelapse, temperatures and log.
 * Slicing, users, keys, settings and the local file storage are shared by all. Printers come from
 * `printers:` in config.yaml (or the one `default` printer) and can be added, changed and removed
 * while the host runs. Plugins inject `PrinterRegistry` to list, watch and act on printers.
 */
import type { Disposable } from '../common/disposable.js';
import type { Event } from '../common/event.js';
import type { PrinterService } from '../printer/printer-service.js';
import type { PrinterEntry } from '../printer/printer-identity.js';
import type { PrinterList, ScopedPrinter } from '../printer/printer-list.js';
import type { TimelapseService } from '../timelapse/timelapse-service.js';

export type { PrinterEntry } from '../printer/printer-identity.js';

/** One printer and the services that exist once per printer. */
export interface PrinterScope extends ScopedPrinter {
  readonly id: string;
  /** the current configuration entry */
  readonly entry: PrinterEntry;
  readonly printer: PrinterService;
  readonly timelapse: TimelapseService;
  /** where this printer's OctoPrint surface is served on the main port: `/printer/<id>` */
  readonly basePath: string;
}

export interface PrinterRegistry extends PrinterList {
  /** the printers in configuration order */
  list(): readonly PrinterScope[];
  get(id: string): PrinterScope | undefined;
  /** the printer served at the root of the main port (the first one), undefined when there is none */
  first(): PrinterScope | undefined;
  /**
   * Runs `setup` for every printer now and for each one added later. What `setup` returns is disposed
   * when that printer is removed (after its job has ended and it is disconnected) or when the
   * returned Disposable is.
   */
  forEach(setup: (scope: PrinterScope) => Disposable | void): Disposable;
  readonly onDidAdd: Event<PrinterScope>;
  /** after the printer is disconnected and its services are stopped */
  readonly onDidRemove: Event<PrinterScope>;
  /** its entry changed (name, connection, profile, listen) */
  readonly onDidChange: Event<PrinterScope>;
  /** Adds and starts a printer; saves config.yaml. Rejects (PrinterRegistryError) for a bad entry or a used id. */
  add(entry: unknown): Promise<PrinterScope>;
  /** Merges `changes` into the printer's entry (not its id) and saves config.yaml. */
  update(id: string, changes: unknown): Promise<PrinterScope>;
  /** Ends its job (PrintFailed), disconnects it (Disconnected), disposes its scope and saves config.yaml. */
  remove(id: string): Promise<void>;
}
export const PrinterRegistry = Symbol.for('cuttle.PrinterRegistry');

/** A refused registry change: `status` is the HTTP status a route answers with. */
export class PrinterRegistryError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
    this.name = 'PrinterRegistryError';
  }
}
