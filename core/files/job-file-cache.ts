/**
 * The stored files printers' jobs name, read once per job: /api/job, /api/printers and push ask on
 * every poll, and a read costs a stat (local) or an M20 on the printer's wire (its SD card). Entries
 * are kept per storage (the local one, each printer's card) until `clear()`, which the file manager
 * calls on any change to a list, an analysis or a file's metadata.
 */
import type { PrinterService } from '../printer/printer-service.js';
import type { StoredFile } from './file-manager.js';

type Entries = Map<string, Promise<StoredFile | undefined>>;

export class JobFileCache {
  private local: Entries = new Map();
  /** each printer's card; weak, so a removed printer is not held */
  private cards = new WeakMap<PrinterService, Entries>();

  /** The cached read of `key` in the local storage (`card` undefined) or a printer's card, else `read()`'s. */
  get(card: PrinterService | undefined, key: string, read: () => Promise<StoredFile | undefined>): Promise<StoredFile | undefined> {
    let entries = card ? this.cards.get(card) : this.local;
    if (!entries) this.cards.set(card!, (entries = new Map()));
    let cached = entries.get(key);
    if (!cached) entries.set(key, (cached = read()));
    return cached;
  }

  clear(): void {
    this.local = new Map();
    this.cards = new WeakMap();
  }
}
