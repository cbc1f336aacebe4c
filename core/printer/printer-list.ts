/**
 * The printers a host drives, as the services below core/printers see them: the shared local file
 * storage asks every printer whether a file is busy, the slicer whether its target is printed.
 * core/printers' PrinterRegistry is the implementation (bound to `PrinterList` too); this contract
 * lets those services stay below it. Folders above core/printer add their per-printer services to
 * `ScopedPrinter` by declaration merging (core/timelapse adds `timelapse`).
 */
import type { Disposable } from '../common/disposable.js';
import type { PrinterService } from './printer-service.js';

/** One printer and the services that exist once per printer. */
export interface ScopedPrinter {
  readonly id: string;
  readonly printer: PrinterService;
  /** where this printer's OctoPrint surface is served on the main port: `/printer/<id>` */
  readonly basePath: string;
}

export interface PrinterList {
  /** the printers in configuration order */
  list(): readonly ScopedPrinter[];
  /** the printer served at the root of the main port (the first one), undefined when there is none */
  first(): ScopedPrinter | undefined;
  /** Runs `setup` for every printer now and for each one added later; what it returns is disposed when that printer goes. */
  forEach(setup: (scope: ScopedPrinter) => Disposable | void): Disposable;
}
export const PrinterList = Symbol.for('cuttle.PrinterList');
