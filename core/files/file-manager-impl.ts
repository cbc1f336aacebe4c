/**
 * The file manager behind the FileManager interface: routes each call by storage to its part and
 * owns their life cycle. The parts, one file each:
 *  - local-storage.ts: the `local` folder (uploads, folders, copy/move/delete, listings);
 *  - sd-storage.ts: the `sdcard` storage through a printer: each printer has its own card, and
 *    `forPrinter(printer)` is this manager with that printer's card (the first printer's without it);
 *  - analysis-scheduler.ts: G-code analysis in the worker thread, results into the metadata;
 *  - print-history.ts: ended prints of every printer recorded in the metadata.
 * The local storage is shared by all printers; its guards ask every printer of the registry.
 * Changes are signalled with Emitters (file-signals.ts); the file-events plugin turns them into the
 * File-handling events.
 */
import { rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { inject, injectable } from 'inversify';
import { Disposable, DisposableStore } from '../common/disposable.js';
import type { LifecycleContribution } from '../common/lifecycle.js';
import type { StorageOrigin } from '../events/catalogue.js';
import { errorInfo, Logger } from '../logging/logger.js';
import type { JobFile, PrinterService } from '../printer/printer-service.js';
import { PrinterList } from '../printer/printer-list.js';
import { SettingsService } from '../settings/settings-service.js';
import { AnalysisScheduler } from './analysis-scheduler.js';
import { FileOperationError, type FileManager, type StagedUpload, type StorageSpace, type StoredEntry, type StoredFile, type StoredFolder } from './file-manager.js';
import { FileSignals } from './file-signals.js';
import { LocalStorage, type CommitOptions } from './local-storage.js';
import { MetadataStore } from './metadata-store.js';
import { baseName, normaliseFilePath, requireType } from './paths.js';
import { recordPrintHistory } from './print-history.js';
import { SdStorage } from './sd-storage.js';
import { JobFileCache } from './job-file-cache.js';

@injectable()
export class DefaultFileManager implements FileManager, LifecycleContribution {
  readonly lifecycleName = 'files';
  private readonly signals = new FileSignals();
  private readonly metadata: MetadataStore;
  private readonly analysis: AnalysisScheduler;
  private readonly local: LocalStorage;
  /** each printer's card, made on first use */
  private readonly cards = new WeakMap<PrinterService, SdStorage>();
  /** the printer whose card `sdcard` means here: the first printer's, or the one `forPrinter` named */
  private cardPrinter: () => PrinterService | undefined = () => this.printers.first()?.printer;
  private readonly subscriptions = new DisposableStore();
  /** jobs' files (shared by every `forPrinter` view: one object, never reassigned) */
  private readonly jobFiles = new JobFileCache();
  private readonly log: Logger;

  readonly onFileAdded = this.signals.fileAdded.event;
  readonly onFileRemoved = this.signals.fileRemoved.event;
  readonly onFolderAdded = this.signals.folderAdded.event;
  readonly onFolderRemoved = this.signals.folderRemoved.event;
  readonly onUploaded = this.signals.uploaded.event;
  readonly onListChanged = this.signals.listChanged.event;
  readonly onAnalysisStarted = this.signals.analysisStarted.event;
  readonly onAnalysisFinished = this.signals.analysisFinished.event;
  readonly onAnalysisProgress = this.signals.analysisProgress.event;
  readonly onTransferStarted = this.signals.transferStarted.event;
  readonly onTransferDone = this.signals.transferDone.event;

  constructor(
    @inject(SettingsService) settings: SettingsService,
    @inject(Logger) logger: Logger,
    @inject(PrinterList) private readonly printers: PrinterList,
  ) {
    this.log = logger.child({ service: 'files' });
    this.metadata = new MetadataStore(
      (dir, err) => this.log.error({ dir, ...errorInfo(err) }, 'could not save metadata'),
      () => this.jobFiles.clear(),
    );
    // any change to the storage may be a job's file: the next poll reads it again
    this.signals.listChanged.event(() => this.jobFiles.clear());
    this.signals.analysisFinished.event(() => this.jobFiles.clear());
    this.analysis = new AnalysisScheduler(settings, this.metadata, this.signals, this.log);
    this.local = new LocalStorage(settings, this.metadata, this.signals, printers, this.analysis);
  }

  forPrinter(printer: PrinterService | undefined): FileManager {
    // the same manager (storages, metadata, signals) in every respect but whose card `sdcard` is
    const view = Object.create(this) as DefaultFileManager;
    view.cardPrinter = () => printer;
    return view;
  }

  /** the `sdcard` storage of this view's printer; undefined when the host has no printer */
  private get sd(): SdStorage | undefined {
    const printer = this.cardPrinter();
    if (!printer) return undefined;
    let card = this.cards.get(printer);
    if (!card) this.cards.set(printer, (card = new SdStorage(printer, this.signals, this.printers.list().find((scope) => scope.printer === printer)?.id)));
    return card;
  }

  private requireSd(): SdStorage {
    const sd = this.sd;
    if (!sd) throw new FileOperationError(409, 'SD card not available: the host has no printer');
    return sd;
  }

  async start(): Promise<void> {
    await this.local.clearStaging();
    const swept = await this.metadata.sweepTemporaries(this.local.root);
    if (swept.length) this.log.info({ files: swept }, 'removed temporary metadata files left by an interrupted write');
    // every printer's ended prints, and changes to every printer's card (until the printer is removed)
    this.subscriptions.add(
      this.printers.forEach((scope) => {
        const history = recordPrintHistory(scope.printer, this.metadata, (rel) => this.local.diskPath(rel), this.log);
        const card = scope.printer.sd.onChanged(() => this.signals.listChanged.fire());
        return Disposable.create(() => {
          history.dispose();
          card.dispose();
        });
      }),
    );
    void this.local.analyseMissing().catch((err: unknown) => this.log.warn(errorInfo(err), 'could not scan for files to analyse'));
  }

  async stop(): Promise<void> {
    this.subscriptions.dispose();
    await this.analysis.dispose();
    await this.metadata.flush();
  }

  // --- reading ---

  list(origin: StorageOrigin, folder = '', recursive = false): Promise<StoredEntry[]> {
    if (origin === 'sdcard') return this.sd?.list() ?? Promise.resolve([]);
    return this.local.list(folder, recursive);
  }

  get(origin: StorageOrigin, filePath: string): Promise<StoredEntry | null> {
    if (origin === 'sdcard') return this.sd?.get(filePath) ?? Promise.resolve(null);
    return this.local.get(filePath);
  }

  jobDetailsFile(origin: StorageOrigin, filePath: string): Promise<StoredFile | undefined> {
    const read = () => this.get(origin, filePath).then((entry) => (entry?.kind === 'file' ? (entry as StoredFile) : undefined), () => undefined);
    if (origin === 'local') return this.jobFiles.get(undefined, filePath, read);
    // a card is read with an M20 on the printer's wire: cached per printer, dropped when the card changes
    const printer = this.cardPrinter();
    return printer ? this.jobFiles.get(printer, filePath, read) : read();
  }

  diskPath(filePath: string): string {
    return this.local.diskPath(filePath);
  }

  thumbnailPath(folder: string, name: string): string {
    return this.local.thumbnailPath(folder, name);
  }

  space(): Promise<StorageSpace> {
    return this.local.space();
  }

  async jobFile(origin: StorageOrigin, filePath: string): Promise<JobFile> {
    const entry = await this.get(origin, filePath);
    if (!entry || entry.kind !== 'file') throw new FileOperationError(404, `file "${filePath}" not found`);
    if (entry.typePath[0] !== 'machinecode') throw new FileOperationError(415, `"${entry.name}" is not machine code and cannot be printed`);
    const file: JobFile = { origin, path: entry.path, name: entry.name, size: entry.size, date: entry.date };
    if (origin === 'local') file.diskPath = this.diskPath(entry.path);
    return file;
  }

  // --- uploads ---

  async addFile(origin: StorageOrigin, filePath: string, content: Readable, options: { overwrite?: boolean; upload?: boolean } = {}): Promise<StoredFile> {
    // refuse a bad name before receiving anything
    requireType(baseName(normaliseFilePath(filePath)));
    const staged = await this.stageUpload(content);
    return this.commitUpload(staged, origin, filePath, options);
  }

  stageUpload(content: Readable): Promise<StagedUpload> {
    return this.local.stageUpload(content);
  }

  async discardUpload(staged: StagedUpload): Promise<void> {
    await rm(staged.tmpPath, { force: true });
  }

  async commitUpload(staged: StagedUpload, origin: StorageOrigin, filePath: string, options: CommitOptions = {}): Promise<StoredFile> {
    try {
      const rel = normaliseFilePath(filePath);
      const type = requireType(baseName(rel));
      const stored = origin === 'sdcard' ? await this.requireSd().store(staged, baseName(rel), type, options.upload ?? false) : await this.local.commit(staged, rel, type, options);
      this.log.debug({ origin, path: rel }, 'file stored');
      return stored;
    } finally {
      await this.discardUpload(staged);
    }
  }

  // --- folders, copy, move, delete ---

  async addFolder(origin: StorageOrigin, folderPath: string): Promise<StoredFolder> {
    localOnly(origin, 'folders');
    return this.local.addFolder(folderPath);
  }

  remove(origin: StorageOrigin, filePath: string): Promise<void> {
    return origin === 'sdcard' ? this.requireSd().remove(filePath) : this.local.remove(filePath);
  }

  async copy(origin: StorageOrigin, from: string, to: string): Promise<StoredEntry> {
    localOnly(origin, 'copy');
    return this.local.transfer(from, to, 'copy');
  }

  async move(origin: StorageOrigin, from: string, to: string): Promise<StoredEntry> {
    localOnly(origin, 'move');
    return this.local.transfer(from, to, 'move');
  }

  async analyse(origin: StorageOrigin, filePath: string): Promise<void> {
    localOnly(origin, 'analysis');
    this.local.analyse(filePath);
  }
}

function localOnly(origin: StorageOrigin, what: string): void {
  if (origin !== 'local') throw new FileOperationError(400, `${what} is only supported on the local storage`);
}
