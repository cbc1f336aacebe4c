/** What the running print forbids: changing the file (or a folder holding it) that the printer is busy with. */
import type { StorageOrigin } from '../events/catalogue.js';
import type { PrinterService } from '../printer/printer-service.js';

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
