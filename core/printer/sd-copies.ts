/**
 * Local copies of what the host wrote to the printer's SD card (M28…M29), kept under the data
 * folder, so that an SD print's G-code events can be derived from the file (sd-replay.ts) even
 * though the printer never sends its content back. A copy is dropped when the card file is deleted
 * through the host; one that does not fit the card's file is still usable since positions are
 * scaled by size.
 */
import fs from 'node:fs';
import path from 'node:path';
import { makeDirectorySync } from '../common/make-directory.js';

export interface SdCopyWriter {
  append(line: string): void;
  finish(): Promise<void>;
  abort(): void;
}

export class SdCopies {
  constructor(private readonly folder: () => string) {}

  private file(name: string): string {
    return path.join(this.folder(), encodeURIComponent(name.trim().toLowerCase()));
  }

  /** A writer for the copy of `name`; the previous copy is replaced only when it finishes. */
  begin(name: string): SdCopyWriter {
    const target = this.file(name);
    makeDirectorySync(path.dirname(target));
    const partial = `${target}.partial`;
    const out = fs.createWriteStream(partial);
    let failed = false;
    out.on('error', () => (failed = true));
    return {
      append: (line) => {
        if (!failed) out.write(`${line}\n`);
      },
      finish: () =>
        new Promise<void>((resolve) => {
          out.end(() => {
            if (!failed) fs.renameSync(partial, target);
            else fs.rmSync(partial, { force: true });
            resolve();
          });
        }),
      abort: () => {
        out.destroy();
        fs.rmSync(partial, { force: true });
      },
    };
  }

  /** The copy of `name` on disk, or null. */
  find(name: string): string | null {
    const file = this.file(name);
    return fs.existsSync(file) ? file : null;
  }

  remove(name: string): void {
    fs.rmSync(this.file(name), { force: true });
  }
}
