/**
 * The file manager: the `local` storage (a folder under the basedir, with sub-folders) and the
 * `sdcard` storage (through the printer). Every user path goes through paths.ts (normalised,
 * confined); uploads land in `.tmp` inside the storage and are renamed into place; metadata is per
 * folder; new G-code files are queued for analysis in the worker thread. Changes are signalled with
 * Emitters; the file-events plugin turns them into the File-handling events.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { inject, injectable, optional } from 'inversify';
import { DisposableStore } from '../common/disposable.js';
import { Emitter } from '../common/event.js';
import type { LifecycleContribution } from '../common/lifecycle.js';
import type { FileEntry, StorageEntry, StorageOrigin } from '../events/catalogue.js';
import { errorInfo, Logger } from '../logging/logger.js';
import { PrinterService, type JobFile, type PrintEnd } from '../printer/printer-service.js';
import { SettingsService } from '../settings/settings-service.js';
import type { GcodeAnalysisResult } from './analysis-result.js';
import { AnalysisQueue } from './analysis/analysis-queue.js';
import type { AnalyserOptions } from './analysis/gcode-analyser.js';
import {
  FileOperationError,
  type FileManager,
  type StagedUpload,
  type StorageSpace,
  type StoredEntry,
  type StoredFile,
  type StoredFolder,
} from './file-manager.js';
import { MetadataStore } from './metadata-store.js';
import { baseName, confine, isGcode, joinPath, normaliseFilePath, normalisePath, parentOf, requireType, typePathOf } from './paths.js';
import { sdCardOf, type SdCardAccess } from './sd-card.js';

const TMP_FOLDER = '.tmp';

type AnalysisSignal = { origin: StorageOrigin; path: string; name: string };

@injectable()
export class LocalFileManager implements FileManager, LifecycleContribution {
  readonly lifecycleName = 'files';
  private readonly root: string;
  private readonly metadata: MetadataStore;
  private readonly queue = new AnalysisQueue();
  private readonly subscriptions = new DisposableStore();
  private readonly log: Logger;

  private readonly fileAdded = new Emitter<FileEntry>();
  private readonly fileRemoved = new Emitter<FileEntry>();
  private readonly folderAdded = new Emitter<StorageEntry>();
  private readonly folderRemoved = new Emitter<StorageEntry>();
  private readonly uploaded = new Emitter<{ name: string; path: string; target: StorageOrigin }>();
  private readonly listChanged = new Emitter<void>();
  private readonly analysisStarted = new Emitter<AnalysisSignal>();
  private readonly analysisFinished = new Emitter<AnalysisSignal & { result: GcodeAnalysisResult }>();
  private readonly analysisProgress = new Emitter<AnalysisSignal & { progress: number }>();
  private readonly transferStarted = new Emitter<{ local: string; remote: string }>();
  private readonly transferDone = new Emitter<{ time: number; local: string; remote: string }>();

  readonly onFileAdded = this.fileAdded.event;
  readonly onFileRemoved = this.fileRemoved.event;
  readonly onFolderAdded = this.folderAdded.event;
  readonly onFolderRemoved = this.folderRemoved.event;
  readonly onUploaded = this.uploaded.event;
  readonly onListChanged = this.listChanged.event;
  readonly onAnalysisStarted = this.analysisStarted.event;
  readonly onAnalysisFinished = this.analysisFinished.event;
  readonly onAnalysisProgress = this.analysisProgress.event;
  readonly onTransferStarted = this.transferStarted.event;
  readonly onTransferDone = this.transferDone.event;

  constructor(
    @inject(SettingsService) private readonly settings: SettingsService,
    @inject(Logger) logger: Logger,
    @inject(PrinterService) @optional() private readonly printer?: PrinterService,
  ) {
    this.log = logger.child({ service: 'files' });
    this.root = fs.realpathSync(settings.folder('uploads'));
    this.metadata = new MetadataStore((dir, err) => this.log.error({ dir, ...errorInfo(err) }, 'could not save metadata'));
  }

  async start(): Promise<void> {
    const tmp = path.join(this.root, TMP_FOLDER);
    // uploads interrupted by a crash leave their temporary files here
    await fs.promises.rm(tmp, { recursive: true, force: true });
    await fs.promises.mkdir(tmp, { recursive: true });
    if (this.printer) this.subscriptions.add(this.printer.onPrintEnded((e) => void this.recordPrint(e.file, e.end, e.time)));
    const sdChanged = sdCardOf(this.printer)?.onChanged;
    if (sdChanged) this.subscriptions.add(sdChanged(() => this.listChanged.fire()));
    void this.analyseMissing('');
  }

  async stop(): Promise<void> {
    this.subscriptions.dispose();
    await this.queue.dispose();
    await this.metadata.flush();
  }

  // --- reading ---

  async list(origin: StorageOrigin, folder = '', recursive = false): Promise<StoredEntry[]> {
    if (origin === 'sdcard') return this.listSd();
    const rel = normalisePath(folder);
    const abs = confine(this.root, rel);
    const stat = await fs.promises.stat(abs).catch(() => null);
    if (!stat?.isDirectory()) throw new FileOperationError(404, `folder "${rel}" not found`);
    return this.readFolder(rel, abs, recursive);
  }

  async get(origin: StorageOrigin, filePath: string): Promise<StoredEntry | null> {
    if (origin === 'sdcard') {
      const name = normaliseFilePath(filePath);
      return (await this.listSd()).find((f) => f.path === name) ?? null;
    }
    const rel = normaliseFilePath(filePath);
    const abs = confine(this.root, rel);
    const stat = await fs.promises.stat(abs).catch(() => null);
    if (!stat) return null;
    if (stat.isDirectory()) {
      const children = await this.readFolder(rel, abs, true);
      return { kind: 'folder', origin: 'local', path: rel, name: baseName(rel), children, size: sizeOf(children) };
    }
    return typePathOf(rel) ? this.fileEntry(rel, abs, stat) : null;
  }

  diskPath(filePath: string): string {
    return confine(this.root, normaliseFilePath(filePath));
  }

  async space(): Promise<StorageSpace> {
    const s = await fs.promises.statfs(this.root);
    return { free: s.bavail * s.bsize, total: s.blocks * s.bsize };
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

  async stageUpload(content: Readable): Promise<StagedUpload> {
    const limit = this.settings.get('files.maxUploadBytes');
    const tmpDir = path.join(this.root, TMP_FOLDER);
    await fs.promises.mkdir(tmpDir, { recursive: true });
    const tmpPath = path.join(tmpDir, `upload-${crypto.randomUUID()}`);
    let size = 0;
    let exceeded = false;
    // over the limit, the rest is drained and dropped rather than the stream torn down: a multipart
    // parser upstream must reach the end of the request to answer it
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        if (size > limit) exceeded = true;
        callback(null, exceeded ? undefined : chunk);
      },
    });
    try {
      await pipeline(content, counter, fs.createWriteStream(tmpPath, { flags: 'wx' }));
    } catch (err) {
      await fs.promises.rm(tmpPath, { force: true });
      throw new FileOperationError(400, `upload failed: ${(err as Error)?.message ?? String(err)}`);
    }
    if (exceeded) {
      await fs.promises.rm(tmpPath, { force: true });
      throw new FileOperationError(413, `upload is larger than the limit of ${limit} bytes`);
    }
    return { tmpPath, size };
  }

  async discardUpload(staged: StagedUpload): Promise<void> {
    await fs.promises.rm(staged.tmpPath, { force: true });
  }

  async commitUpload(
    staged: StagedUpload,
    origin: StorageOrigin,
    filePath: string,
    options: { overwrite?: boolean; upload?: boolean; userdata?: unknown; user?: string } = {},
  ): Promise<StoredFile> {
    try {
      const rel = normaliseFilePath(filePath);
      const type = requireType(baseName(rel));
      if (origin === 'sdcard') return await this.transferToSd(staged, baseName(rel), type, options.upload ?? false);
      const dest = confine(this.root, rel);
      const existing = await fs.promises.lstat(dest).catch(() => null);
      if (existing?.isDirectory()) throw new FileOperationError(409, `"${rel}" is a folder`);
      if (existing && options.overwrite === false) throw new FileOperationError(409, `"${rel}" already exists`);
      if (existing && this.isBusy('local', rel)) throw new FileOperationError(409, `"${rel}" is being printed`);
      await this.ensureFolders(parentOf(rel));
      await fs.promises.rename(staged.tmpPath, dest);
      await this.metadata.update(path.dirname(dest), baseName(rel), (m) => ({
        prints: m.prints,
        userdata: options.userdata ?? m.userdata,
        user: options.user ?? m.user,
      }));
      const entry = await this.fileEntry(rel, dest, await fs.promises.stat(dest));
      this.fileAdded.fire({ storage: 'local', path: rel, name: entry.name, type });
      this.listChanged.fire();
      if (options.upload) this.uploaded.fire({ name: entry.name, path: rel, target: 'local' });
      if (isGcode(rel)) this.queueAnalysis(rel, dest);
      return entry;
    } finally {
      await this.discardUpload(staged);
    }
  }

  // --- folders, copy, move, delete ---

  async addFolder(origin: StorageOrigin, folderPath: string): Promise<StoredFolder> {
    this.localOnly(origin, 'folders');
    const rel = normaliseFilePath(folderPath);
    const abs = confine(this.root, rel);
    if (fs.existsSync(abs)) throw new FileOperationError(409, `"${rel}" already exists`);
    await this.ensureFolders(rel);
    return { kind: 'folder', origin: 'local', path: rel, name: baseName(rel), children: [], size: 0 };
  }

  async remove(origin: StorageOrigin, filePath: string): Promise<void> {
    if (origin === 'sdcard') return this.removeFromSd(filePath);
    const rel = normaliseFilePath(filePath);
    const abs = confine(this.root, rel);
    const stat = await fs.promises.lstat(abs).catch(() => null);
    if (!stat || (!stat.isDirectory() && !typePathOf(rel))) throw new FileOperationError(404, `"${rel}" not found`);
    if (this.isBusy('local', rel, stat.isDirectory())) throw new FileOperationError(409, `"${rel}" is being printed`);
    this.deselectIfSelected(rel, stat.isDirectory());
    if (stat.isDirectory()) {
      await fs.promises.rm(abs, { recursive: true, force: true });
      this.metadata.forget(abs);
      this.folderRemoved.fire({ storage: 'local', path: rel, name: baseName(rel) });
    } else {
      await fs.promises.rm(abs, { force: true });
      await this.metadata.update(path.dirname(abs), baseName(rel), () => undefined);
      this.fileRemoved.fire({ storage: 'local', path: rel, name: baseName(rel), type: typePathOf(rel)! });
    }
    this.listChanged.fire();
  }

  async copy(origin: StorageOrigin, from: string, to: string): Promise<StoredEntry> {
    return this.transfer(origin, from, to, 'copy');
  }

  async move(origin: StorageOrigin, from: string, to: string): Promise<StoredEntry> {
    return this.transfer(origin, from, to, 'move');
  }

  async analyse(origin: StorageOrigin, filePath: string): Promise<void> {
    this.localOnly(origin, 'analysis');
    const rel = normaliseFilePath(filePath);
    const abs = confine(this.root, rel);
    if (!fs.existsSync(abs)) throw new FileOperationError(404, `"${rel}" not found`);
    if (!isGcode(rel)) throw new FileOperationError(415, `"${rel}" is not G-code`);
    this.queueAnalysis(rel, abs);
  }

  private async transfer(origin: StorageOrigin, from: string, to: string, kind: 'copy' | 'move'): Promise<StoredEntry> {
    this.localOnly(origin, kind);
    const src = normaliseFilePath(from);
    const srcAbs = confine(this.root, src);
    const stat = await fs.promises.lstat(srcAbs).catch(() => null);
    if (!stat || (!stat.isDirectory() && !typePathOf(src))) throw new FileOperationError(404, `"${src}" not found`);
    const folder = stat.isDirectory();
    let dst = normalisePath(to);
    const target = await fs.promises.stat(confine(this.root, dst)).catch(() => null);
    if (target?.isDirectory()) dst = joinPath(dst, baseName(src));
    if (!dst) throw new FileOperationError(400, 'a destination is required');
    if (dst === src || dst.startsWith(`${src}/`)) throw new FileOperationError(400, `cannot ${kind} "${src}" into itself`);
    if (!folder) requireType(baseName(dst));
    const dstAbs = confine(this.root, dst);
    if (fs.existsSync(dstAbs)) throw new FileOperationError(409, `"${dst}" already exists`);
    const parent = await fs.promises.stat(path.dirname(dstAbs)).catch(() => null);
    if (!parent?.isDirectory()) throw new FileOperationError(404, `destination folder "${parentOf(dst)}" not found`);
    if (kind === 'move' && this.isBusy('local', src, folder)) throw new FileOperationError(409, `"${src}" is being printed`);
    const meta = folder ? undefined : this.metadata.get(path.dirname(srcAbs), baseName(src));

    if (kind === 'copy') {
      await fs.promises.cp(srcAbs, dstAbs, { recursive: true, errorOnExist: true, force: false });
    } else {
      this.deselectIfSelected(src, folder);
      await fs.promises.rename(srcAbs, dstAbs);
    }
    if (meta) {
      if (kind === 'move') await this.metadata.update(path.dirname(srcAbs), baseName(src), () => undefined);
      await this.metadata.update(path.dirname(dstAbs), baseName(dst), () => ({ ...meta }));
    }
    if (folder) {
      if (kind === 'move') {
        this.metadata.forget(srcAbs);
        this.folderRemoved.fire({ storage: 'local', path: src, name: baseName(src) });
      }
      this.folderAdded.fire({ storage: 'local', path: dst, name: baseName(dst) });
    } else {
      const type = typePathOf(dst)!;
      if (kind === 'move') this.fileRemoved.fire({ storage: 'local', path: src, name: baseName(src), type: typePathOf(src)! });
      this.fileAdded.fire({ storage: 'local', path: dst, name: baseName(dst), type });
    }
    this.listChanged.fire();
    const entry = await this.get('local', dst);
    if (!entry) throw new FileOperationError(500, `"${dst}" vanished after ${kind}`);
    return entry;
  }

  // --- sdcard ---

  private sd(): SdCardAccess {
    const sd = sdCardOf(this.printer);
    if (!sd || !sd.sdReady) throw new FileOperationError(409, 'SD card not available');
    return sd;
  }

  private async listSd(): Promise<StoredFile[]> {
    const sd = sdCardOf(this.printer);
    if (!sd || !sd.sdReady) return [];
    // no card, or a firmware that refuses M20: an empty card rather than a failed listing
    const files = await sd.listSdFiles().catch(() => []);
    return files.flatMap((f) => {
      const typePath = typePathOf(f.name);
      return typePath ? [{ kind: 'file' as const, origin: 'sdcard' as const, path: f.name, name: f.name, typePath, size: f.size ?? 0, date: 0 }] : [];
    });
  }

  private async transferToSd(staged: StagedUpload, name: string, type: string[], upload: boolean): Promise<StoredFile> {
    const sd = this.sd();
    if (type[0] !== 'machinecode') throw new FileOperationError(415, 'only G-code can be stored on the SD card');
    const remote = sdName(name);
    const started = Date.now();
    this.transferStarted.fire({ local: name, remote });
    await sd.uploadToSd(staged.tmpPath, remote);
    this.transferDone.fire({ time: (Date.now() - started) / 1000, local: name, remote });
    this.fileAdded.fire({ storage: 'sdcard', path: remote, name: remote, type });
    // a printer that reports card changes itself has fired the list change already
    if (!sd.onChanged) this.listChanged.fire();
    if (upload) this.uploaded.fire({ name: remote, path: remote, target: 'sdcard' });
    return { kind: 'file', origin: 'sdcard', path: remote, name: remote, typePath: type, size: staged.size, date: Math.floor(started / 1000) };
  }

  private async removeFromSd(filePath: string): Promise<void> {
    const name = normaliseFilePath(filePath);
    const sd = this.sd();
    const file = (await this.listSd()).find((f) => f.path === name);
    if (!file) throw new FileOperationError(404, `"${name}" not found on the SD card`);
    if (this.isBusy('sdcard', name)) throw new FileOperationError(409, `"${name}" is being printed`);
    await sd.deleteSdFile(name);
    this.fileRemoved.fire({ storage: 'sdcard', path: name, name, type: file.typePath });
    if (!sd.onChanged) this.listChanged.fire();
  }

  // --- helpers ---

  private localOnly(origin: StorageOrigin, what: string): void {
    if (origin !== 'local') throw new FileOperationError(400, `${what} is only supported on the local storage`);
  }

  /** true when the printer is printing `rel` (or, for a folder, anything inside it) */
  private isBusy(origin: StorageOrigin, rel: string, folder = false): boolean {
    if (!this.printer) return false;
    if (!folder) return this.printer.isBusyWith(origin, rel);
    const job = this.printer.snapshot().job;
    return !!job && job.origin === origin && job.path.startsWith(`${rel}/`) && this.printer.isBusyWith(origin, job.path);
  }

  private deselectIfSelected(rel: string, folder: boolean): void {
    const job = this.printer?.snapshot().job;
    if (job && job.origin === 'local' && (job.path === rel || (folder && job.path.startsWith(`${rel}/`)))) this.printer!.deselectFile();
  }

  /** Creates missing folders along `rel`, signalling each one. */
  private async ensureFolders(rel: string): Promise<void> {
    let current = '';
    for (const segment of rel.split('/').filter(Boolean)) {
      current = joinPath(current, segment);
      const abs = confine(this.root, current);
      const stat = await fs.promises.lstat(abs).catch(() => null);
      if (stat?.isDirectory()) continue;
      if (stat) throw new FileOperationError(409, `"${current}" is a file, not a folder`);
      await fs.promises.mkdir(abs);
      this.folderAdded.fire({ storage: 'local', path: current, name: segment });
      this.listChanged.fire();
    }
  }

  /**
   * The entries of a folder. Recursive listings carry every level with sizes; others, as OctoPrint's,
   * give the first level of sub-folders their children (without theirs) and no sizes.
   */
  private async readFolder(rel: string, abs: string, recursive: boolean, childLevels = recursive ? Infinity : 1): Promise<StoredEntry[]> {
    const entries: StoredEntry[] = [];
    for (const dirent of await fs.promises.readdir(abs, { withFileTypes: true })) {
      if (dirent.name.startsWith('.')) continue;
      const childRel = joinPath(rel, dirent.name);
      const childAbs = path.join(abs, dirent.name);
      if (dirent.isDirectory()) {
        const folder: StoredFolder = { kind: 'folder', origin: 'local', path: childRel, name: dirent.name };
        if (childLevels > 0) folder.children = await this.readFolder(childRel, childAbs, recursive, childLevels - 1);
        if (recursive) folder.size = sizeOf(folder.children ?? []);
        entries.push(folder);
      } else if (dirent.isFile() && typePathOf(dirent.name)) {
        const stat = await fs.promises.stat(childAbs).catch(() => null);
        if (stat) entries.push(await this.fileEntry(childRel, childAbs, stat));
      }
    }
    return entries.sort((a, b) => a.name.localeCompare(b.name));
  }

  private async fileEntry(rel: string, abs: string, stat: fs.Stats): Promise<StoredFile> {
    const name = baseName(rel);
    const meta = this.metadata.get(path.dirname(abs), name);
    const entry: StoredFile = {
      kind: 'file',
      origin: 'local',
      path: rel,
      name,
      typePath: typePathOf(name) ?? [],
      size: stat.size,
      date: Math.floor(stat.mtimeMs / 1000),
    };
    if (meta.analysis && meta.analysed?.size === stat.size) entry.analysis = meta.analysis;
    if (meta.prints) entry.prints = meta.prints;
    if (meta.user) entry.user = meta.user;
    return entry;
  }

  private analyserOptions(): AnalyserOptions {
    const a = this.settings.get('files.analysis');
    return {
      filamentDiameter: this.settings.get('files.filamentDiameter'),
      limits: {
        printAcceleration: a.printAcceleration,
        travelAcceleration: a.travelAcceleration,
        retractAcceleration: a.retractAcceleration,
        junctionDeviation: a.junctionDeviation,
        defaultFeedrate: a.defaultFeedrate,
        maxFeedrate: { ...a.maxFeedrate },
        maxAcceleration: { ...a.maxAcceleration },
      },
    };
  }

  private queueAnalysis(rel: string, abs: string): void {
    if (!this.settings.get('files.analysis.enabled')) return;
    const signal: AnalysisSignal = { origin: 'local', path: rel, name: baseName(rel) };
    this.queue
      .analyse({
        file: abs,
        options: this.analyserOptions(),
        progressIntervalMs: this.settings.get('files.analysis.progressIntervalMs'),
        onStart: () => this.analysisStarted.fire(signal),
        onProgress: (done, total) => this.analysisProgress.fire({ ...signal, progress: total > 0 ? done / total : 1 }),
      })
      .then(async (result) => {
        const stat = await fs.promises.stat(abs).catch(() => null);
        if (!stat) return;
        await this.metadata.update(path.dirname(abs), signal.name, (m) => ({ ...m, analysis: result, analysed: { size: stat.size, mtimeMs: stat.mtimeMs } }));
        this.analysisFinished.fire({ ...signal, result });
      })
      .catch((err: unknown) => {
        if ((err as Error)?.message !== 'analysis queue stopped') this.log.warn({ path: rel, ...errorInfo(err) }, 'analysis failed');
      });
  }

  /** Queues the analysis of G-code files that have none (files copied in by hand, older versions). */
  private async analyseMissing(rel: string): Promise<void> {
    try {
      for (const entry of await this.list('local', rel)) {
        if (entry.kind === 'folder') await this.analyseMissing(entry.path);
        else if (!entry.analysis && entry.typePath[0] === 'machinecode') this.queueAnalysis(entry.path, confine(this.root, entry.path));
      }
    } catch (err) {
      this.log.warn({ folder: rel, ...errorInfo(err) }, 'could not scan for files to analyse');
    }
  }

  private async recordPrint(file: JobFile, end: PrintEnd, time: number): Promise<void> {
    if (file.origin !== 'local') return;
    try {
      const abs = this.diskPath(file.path);
      const success = end === 'done';
      await this.metadata.update(path.dirname(abs), baseName(file.path), (m) => {
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
      this.log.warn({ path: file.path, ...errorInfo(err) }, 'could not record the print');
    }
  }
}

/** The name a file gets on the card: what Marlin can list and open again (lower case, no spaces). */
function sdName(name: string): string {
  return name.toLowerCase().replace(/[^\w.\-~]/g, '_');
}

function sizeOf(entries: readonly StoredEntry[]): number {
  return entries.reduce((sum, e) => sum + (e.kind === 'file' ? e.size : (e.size ?? 0)), 0);
}
