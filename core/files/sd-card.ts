/**
 * The `sdcard` storage's access to the printer: the PrinterService's `sd` part (M20 list, M28/M29
 * upload, M30 delete), adapted for the file manager. Duck-typed so that the file manager keeps
 * working (with an empty, unavailable card) against a printer without SD support.
 */
import fs from 'node:fs';
import readline from 'node:readline';
import type { Event } from '../common/event.js';
import { isOperational } from '../printer/octoprint-views.js';
import type { PrinterService } from '../printer/printer-service.js';

export interface SdCardEntry {
  name: string;
  size: number | null;
}

export interface SdCardAccess {
  /** true when the printer is connected (operational); the card itself may still be missing */
  readonly sdReady: boolean;
  listSdFiles(): Promise<SdCardEntry[]>;
  /** Streams a local file to the card line by line (M28/M29); resolves when the printer confirmed it. */
  uploadToSd(diskPath: string, remoteName: string): Promise<void>;
  deleteSdFile(remoteName: string): Promise<void>;
  /** the card's content changed (when the printer reports it) */
  readonly onChanged?: Event<void>;
}

/** The printer's part the adapter uses (see PrinterService.sd). */
interface PrinterSdPart {
  list(): Promise<SdCardEntry[]>;
  upload(name: string, lines: AsyncIterable<string>): Promise<void>;
  remove(name: string): Promise<void>;
  onChanged?: Event<void>;
}


/** The printer's SD functions, when it has them. */
export function sdCardOf(printer: PrinterService | undefined): SdCardAccess | null {
  const sd = (printer as { sd?: Partial<PrinterSdPart> } | undefined)?.sd;
  if (!printer || !sd || typeof sd.list !== 'function' || typeof sd.upload !== 'function' || typeof sd.remove !== 'function') return null;
  const part = sd as PrinterSdPart;
  return {
    get sdReady() {
      return isOperational(printer.state.id);
    },
    listSdFiles: () => part.list(),
    uploadToSd: (diskPath, remoteName) => part.upload(remoteName, readline.createInterface({ input: fs.createReadStream(diskPath), crlfDelay: Infinity })),
    deleteSdFile: (remoteName) => part.remove(remoteName),
    onChanged: part.onChanged,
  };
}
