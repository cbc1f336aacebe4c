/** Records every ended print of a local file in its metadata: successes, failures, the last print and the mean time of the successful ones. */
import path from 'node:path';
import type { Disposable } from '../common/disposable.js';
import { errorInfo, type Logger } from '../logging/logger.js';
import type { JobFile, PrintEnd, PrinterService } from '../printer/printer-service.js';
import type { MetadataStore } from './metadata-store.js';
import { baseName } from './paths.js';

export function recordPrintHistory(printer: PrinterService, metadata: MetadataStore, diskPath: (rel: string) => string, log: Logger): Disposable {
  return printer.onPrintEnded((e) => void record(e.file, e.end, e.time));

  async function record(file: JobFile, end: PrintEnd, time: number): Promise<void> {
    if (file.origin !== 'local') return;
    try {
      const abs = diskPath(file.path);
      const success = end === 'done';
      await metadata.update(path.dirname(abs), baseName(file.path), (m) => {
        const prints = m.prints ?? { success: 0, failure: 0 };
        const successes = prints.success + (success ? 1 : 0);
        const average = success ? ((prints.averagePrintTime ?? 0) * prints.success + time) / successes : prints.averagePrintTime;
        return {
          ...m,
          prints: {
            success: successes,
            failure: prints.failure + (success ? 0 : 1),
            last: { date: Date.now() / 1000, printTime: time, success, printerProfile: '_default' },
            ...(average === undefined ? {} : { averagePrintTime: average }),
          },
        };
      });
    } catch (err) {
      log.warn({ path: file.path, ...errorInfo(err) }, 'could not record the print');
    }
  }
}
