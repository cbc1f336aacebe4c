/**
 * Which printer a printer-scoped service belongs to: bound as a constant in each printer's child
 * container (core/printers), so the PrinterService and the timelapse of printer `p2` know their id,
 * their configured connection and their own data folder.
 */
import type { PrinterEntry } from '../settings/schema/printers.js';

export interface PrinterIdentity {
  readonly id: string;
  /** the printer's current configuration entry (PATCH /api/printers/{id} replaces it) */
  readonly entry: PrinterEntry;
  /** a folder for this printer's own files (SD copies, timelapse frames), created on first use */
  dataFolder(name: string): string;
}
export const PrinterIdentity = Symbol.for('cuttle.PrinterIdentity');
