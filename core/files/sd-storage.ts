/**
 * The `sdcard` storage: one printer's card through PrinterService.sd (M20 list, M28/M29 upload
 * streamed line by line from the staged file, M30 delete). Without a connection the card lists as
 * empty and changes are refused with 409.
 */
import fs from 'node:fs';
import readline from 'node:readline';
import type { StorageOrigin } from '../events/catalogue.js';
import type { PrinterSdCard, PrinterService } from '../printer/printer-service.js';
import { FileOperationError, type StagedUpload, type StoredFile } from './file-manager.js';
import type { FileSignals } from './file-signals.js';
import { beingPrinted, isPrinting } from './job-guard.js';
import { normaliseFilePath, typePathOf } from './paths.js';

const ORIGIN: StorageOrigin = 'sdcard';

export class SdStorage {
  private readonly card: PrinterSdCard;

  constructor(
    private readonly printer: PrinterService,
    private readonly signals: FileSignals,
    /** the card's printer id, carried by the transfer signals (TransferStarted/TransferDone are printer events) */
    private readonly printerId?: string,
  ) {
    this.card = printer.sd;
  }

  async list(): Promise<StoredFile[]> {
    if (!this.card.ready) return [];
    // no card, or a firmware that refuses M20: an empty card rather than a failed listing
    const files = await this.card.list().catch(() => []);
    return files.flatMap((f) => {
      const typePath = typePathOf(f.name);
      return typePath ? [{ kind: 'file' as const, origin: ORIGIN, path: f.name, name: f.name, typePath, size: f.size ?? 0, date: 0 }] : [];
    });
  }

  async get(filePath: string): Promise<StoredFile | null> {
    const name = normaliseFilePath(filePath);
    return (await this.list()).find((f) => f.path === name) ?? null;
  }

  /** Streams a staged upload to the card under an SD-safe name. */
  async store(staged: StagedUpload, name: string, type: string[], upload: boolean): Promise<StoredFile> {
    const card = this.ready();
    if (type[0] !== 'machinecode') throw new FileOperationError(415, 'only G-code can be stored on the SD card');
    const remote = sdName(name);
    const busy = card.uploadRefusal;
    if (busy) throw new FileOperationError(409, busy);
    const started = Date.now();
    const printer = this.printerId === undefined ? {} : { printer: this.printerId };
    this.signals.transferStarted.fire({ local: name, remote, ...printer });
    await card.upload(remote, readline.createInterface({ input: fs.createReadStream(staged.tmpPath), crlfDelay: Infinity }));
    this.signals.transferDone.fire({ time: (Date.now() - started) / 1000, local: name, remote, ...printer });
    this.signals.fileAdded.fire({ storage: ORIGIN, path: remote, name: remote, type });
    if (upload) this.signals.uploaded.fire({ name: remote, path: remote, target: ORIGIN });
    return { kind: 'file', origin: ORIGIN, path: remote, name: remote, typePath: type, size: staged.size, date: Math.floor(started / 1000) };
  }

  async remove(filePath: string): Promise<void> {
    const name = normaliseFilePath(filePath);
    const card = this.ready();
    const file = (await this.list()).find((f) => f.path === name);
    if (!file) throw new FileOperationError(404, `"${name}" not found on the SD card`);
    if (isPrinting(this.printer, ORIGIN, name)) throw new FileOperationError(409, beingPrinted(name, false));
    await card.remove(name);
    this.signals.fileRemoved.fire({ storage: ORIGIN, path: name, name, type: file.typePath });
  }

  private ready(): PrinterSdCard {
    if (!this.card.ready) throw new FileOperationError(409, 'SD card not available');
    return this.card;
  }
}

/** The name a file gets on the card: what Marlin can list and open again (lower case, no spaces). */
function sdName(name: string): string {
  return name.toLowerCase().replace(/[^\w.\-~]/g, '_');
}
