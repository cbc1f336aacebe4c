/**
 * What a running print forbids: changing the file (or a folder holding it) that a printer is busy with.
 * The local storage is shared by every printer, so its guard asks all of them; an SD card is one printer's.
 */
import type { StorageOrigin } from '../events/catalogue.js';
import type { PrinterService } from '../printer/printer-service.js';
import type { PrinterList } from '../printer/printer-list.js';

/** true when the printer is printing `rel` (or, for a folder, anything inside it) */
export function isPrinting(printer: PrinterService, origin: StorageOrigin, rel: string, folder = false): boolean {
  if (!folder) return printer.isBusyWith(origin, rel);
  const job = printer.snapshot().job;
  return !!job && job.origin === origin && job.path.startsWith(`${rel}/`) && printer.isBusyWith(origin, job.path);
}

/** Deselects the selected local file when it is `rel` or lies inside the folder `rel`. */
export function deselectIfSelected(printer: PrinterService, rel: string, folder: boolean): void {
  const job = printer.snapshot().job;
  if (job && job.origin === 'local' && (job.path === rel || (folder && job.path.startsWith(`${rel}/`)))) printer.deselectFile();
}

/** The PrinterServices of every printer in the registry, for the shared local storage's guards. */
export function everyPrinter(registry: Pick<PrinterList, 'list'>): PrinterService[] {
  return registry.list().map((scope) => scope.printer);
}

/** true when any printer of the registry is printing `rel` (or, for a folder, anything inside it) */
export function anyPrinterBusyWith(registry: Pick<PrinterList, 'list'>, origin: StorageOrigin, rel: string, folder = false): boolean {
  return everyPrinter(registry).some((printer) => isPrinting(printer, origin, rel, folder));
}

/** The 409's reason: a folder is not itself printed, a file inside it is. */
export function beingPrinted(rel: string, folder: boolean): string {
  return folder ? `"${rel}" holds a file that is being printed` : `"${rel}" is being printed`;
}
