/**
 * The `sdcard` storage's access to the printer: the PrinterService's `sd` part (M20 list, M28/M29
 * upload streamed line by line from the staged file, M30 delete) and whether the printer is
 * connected so that the card can be used.
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
  /** the card's content changed */
  readonly onChanged: Event<void>;
}

/** The printer's SD functions for the file manager and the SD routes. */
export function sdCardOf(printer: PrinterService): SdCardAccess {
  const sd = printer.sd;
  return {
    get sdReady() {
      return isOperational(printer.state.id);
    },
    listSdFiles: () => sd.list(),
    uploadToSd: (diskPath, remoteName) => sd.upload(remoteName, readline.createInterface({ input: fs.createReadStream(diskPath), crlfDelay: Infinity })),
    deleteSdFile: (remoteName) => sd.remove(remoteName),
    onChanged: sd.onChanged,
  };
}
