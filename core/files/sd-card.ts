/**
 * What the file manager needs from the printer for the `sdcard` storage (M20 list, M28/M29 upload,
 * M30 delete). The PrinterService implements these when the printer issue adds SD support; until
 * then (or when a printer lacks them) the sdcard storage answers 409 "SD card not available".
 */
import type { PrinterService } from '../printer/printer-service.js';

export interface SdFileInfo {
  /** the name on the card (8.3 names for most firmwares) */
  name: string;
  size: number | null;
}

export interface SdCardAccess {
  /** true when the printer is connected and reports a card */
  readonly sdReady: boolean;
  listSdFiles(): Promise<SdFileInfo[]>;
  /** Streams a local file to the card with M28/M29; resolves when the printer confirmed it. */
  uploadToSd(diskPath: string, remoteName: string): Promise<void>;
  deleteSdFile(remoteName: string): Promise<void>;
}

/** The printer's SD functions, when it has them. */
export function sdCardOf(printer: PrinterService | undefined): SdCardAccess | null {
  const candidate = printer as (PrinterService & Partial<SdCardAccess>) | undefined;
  if (
    candidate &&
    typeof candidate.listSdFiles === 'function' &&
    typeof candidate.uploadToSd === 'function' &&
    typeof candidate.deleteSdFile === 'function'
  ) {
    return candidate as PrinterService & SdCardAccess;
  }
  return null;
}
