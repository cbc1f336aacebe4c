/**
 * The `local` storage: a folder under the basedir, with sub-folders. Every user path goes through
 * paths.ts (normalised, confined); uploads land in `.tmp` inside the storage and are renamed into
 * place; metadata is per folder; new G-code files go to the analysis scheduler. Copy and move never
 * replace what is at the destination, even when it appears meanwhile: the last step is exclusive
 * (COPYFILE_EXCL, link then unlink, mkdir) and loses to whoever got there first. The storage is
 * shared by every printer: a file being printed on any of them cannot be replaced, moved or deleted.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PrinterList } from '../printer/printer-list.js';
import type { SettingsService } from '../settings/settings-service.js';
import type { AnalysisScheduler } from './analysis-scheduler.js';
import { FileOperationError, type StagedUpload, type StorageSpace, type StoredEntry, type StoredFile, type StoredFolder } from './file-manager.js';
import type { FileSignals } from './file-signals.js';
import { anyPrinterBusyWith, beingPrinted, deselectIfSelected, everyPrinter } from './job-guard.js';
import type { MetadataStore } from './metadata-store.js';
import { removeThumbnailsOf, THUMBNAIL_NAME, THUMBS_FOLDER, transferThumbnails } from './thumbnails.js';
import { baseName, confine, isGcode, joinPath, normaliseFilePath, normalisePath, parentOf, requireType, typePathOf } from './paths.js';
import { filesSettings } from './settings.js';
import { makeDirectory } from '../common/make-directory.js';

const TMP_FOLDER = '.tmp';

export interface CommitOptions {
  overwrite?: boolean;
  upload?: boolean;
  userdata?: unknown;
  user?: string;
}

export class LocalStorage {
  readonly root: string;

  constructor(
    private readonly settings: SettingsService,
    private readonly metadata: MetadataStore,
    private readonly signals: FileSignals,
    /** every printer: any of them may be printing a local file */
    private readonly printers: Pick<PrinterList, 'list'>,
    private readonly analysis: AnalysisScheduler,
  ) {
    this.root = fs.realpathSync(settings.folder('uploads'));
  }

  /** Uploads interrupted by a crash leave their temporary files behind: removed at start. */
  async clearStaging(): Promise<void> {
    const tmp = path.join(this.root, TMP_FOLDER);
    await fs.promises.rm(tmp, { recursive: true, force: true });
    await makeDirectory(tmp);
  }

  // --- reading ---

  async list(folder = '', recursive = false): Promise<StoredEntry[]> {
    const rel = normalisePath(folder);
    const abs = confine(this.root, rel);
    const stat = await fs.promises.stat(abs).catch(() => null);
    if (!stat?.isDirectory()) throw new FileOperationError(404, `folder "${rel}" not found`);
    return this.readFolder(rel, abs, recursive);
  }

  async get(filePath: string): Promise<StoredEntry | null> {
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

  /** the one dot name a path may name, and only a thumbnail's file in it */
  thumbnailPath(folder: string, name: string): string {
    if (!THUMBNAIL_NAME.test(name)) throw new FileOperationError(400, 'not a thumbnail name');
    return confine(this.root, joinPath(normalisePath(folder), `${THUMBS_FOLDER}/${name}`));
  }

  async space(): Promise<StorageSpace> {
    const s = await fs.promises.statfs(this.root);
    return { free: s.bavail * s.bsize, total: s.blocks * s.bsize };
  }

  // --- uploads ---

  async stageUpload(content: Readable): Promise<StagedUpload> {
    const limit = this.settings.of(filesSettings).get().maxUploadBytes;
    const tmpDir = path.join(this.root, TMP_FOLDER);
    await makeDirectory(tmpDir);
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

  /** Places a staged upload at `rel` (replacing a file there unless `overwrite` is false). */
  async commit(staged: StagedUpload, rel: string, type: string[], options: CommitOptions): Promise<StoredFile> {
    const dest = confine(this.root, rel);
    const existing = await fs.promises.lstat(dest).catch(() => null);
    if (existing?.isDirectory()) throw new FileOperationError(409, `"${rel}" is a folder`);
    if (existing && options.overwrite === false) throw new FileOperationError(409, `"${rel}" already exists`);
    if (existing && anyPrinterBusyWith(this.printers, 'local', rel)) throw new FileOperationError(409, beingPrinted(rel, false));
    await this.ensureFolders(parentOf(rel));
    if (options.overwrite === false) await exclusively(rel, () => fs.promises.link(staged.tmpPath, dest));
    else await fs.promises.rename(staged.tmpPath, dest);
    await this.metadata.update(path.dirname(dest), baseName(rel), (m) => ({
      prints: m.prints,
      userdata: options.userdata ?? m.userdata,
      user: options.user ?? m.user,
    }));
    const entry = await this.fileEntry(rel, dest, await fs.promises.stat(dest));
    this.signals.fileAdded.fire({ storage: 'local', path: rel, name: entry.name, type });
    this.signals.listChanged.fire();
    if (options.upload) this.signals.uploaded.fire({ name: entry.name, path: rel, target: 'local' });
    if (isGcode(rel)) this.analysis.analyse(rel, dest);
    return entry;
  }

  // --- folders, copy, move, delete ---

  async addFolder(folderPath: string): Promise<StoredFolder> {
    const rel = normaliseFilePath(folderPath);
    const abs = confine(this.root, rel);
    if (fs.existsSync(abs)) throw new FileOperationError(409, `"${rel}" already exists`);
    await this.ensureFolders(rel);
    return { kind: 'folder', origin: 'local', path: rel, name: baseName(rel), children: [], size: 0 };
  }

  async remove(filePath: string): Promise<void> {
    const rel = normaliseFilePath(filePath);
    const abs = confine(this.root, rel);
    const stat = await fs.promises.lstat(abs).catch(() => null);
    if (!stat || (!stat.isDirectory() && !typePathOf(rel))) throw new FileOperationError(404, `"${rel}" not found`);
    if (anyPrinterBusyWith(this.printers, 'local', rel, stat.isDirectory())) throw new FileOperationError(409, beingPrinted(rel, stat.isDirectory()));
    for (const printer of everyPrinter(this.printers)) deselectIfSelected(printer, rel, stat.isDirectory());
    if (stat.isDirectory()) {
      await fs.promises.rm(abs, { recursive: true, force: true });
      this.metadata.forget(abs);
      this.signals.folderRemoved.fire({ storage: 'local', path: rel, name: baseName(rel) });
    } else {
      await fs.promises.rm(abs, { force: true });
      await removeThumbnailsOf(abs);
      await this.metadata.update(path.dirname(abs), baseName(rel), () => undefined);
      this.signals.fileRemoved.fire({ storage: 'local', path: rel, name: baseName(rel), type: typePathOf(rel)! });
    }
    this.signals.listChanged.fire();
  }

  analyse(filePath: string): void {
    const rel = normaliseFilePath(filePath);
    const abs = confine(this.root, rel);
    if (!fs.existsSync(abs)) throw new FileOperationError(404, `"${rel}" not found`);
    if (!isGcode(rel)) throw new FileOperationError(415, `"${rel}" is not G-code`);
    this.analysis.analyse(rel, abs);
  }

  /** Queues the analysis of G-code files that have none (files copied in by hand, older versions). */
  async analyseMissing(rel = ''): Promise<void> {
    for (const entry of await this.list(rel)) {
      if (entry.kind === 'folder') await this.analyseMissing(entry.path);
      else if (!entry.analysis && entry.typePath[0] === 'machinecode') this.analysis.analyse(entry.path, confine(this.root, entry.path));
    }
  }

  /** Copies or moves a file or folder; never replaces anything at the destination (409 instead). */
  async transfer(from: string, to: string, kind: 'copy' | 'move'): Promise<StoredEntry> {
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
    const parent = await fs.promises.stat(path.dirname(dstAbs)).catch(() => null);
    if (!parent?.isDirectory()) throw new FileOperationError(404, `destination folder "${parentOf(dst)}" not found`);
    if (kind === 'move' && anyPrinterBusyWith(this.printers, 'local', src, folder)) throw new FileOperationError(409, beingPrinted(src, folder));
    const meta = folder ? undefined : this.metadata.get(path.dirname(srcAbs), baseName(src));

    if (kind === 'move') for (const printer of everyPrinter(this.printers)) deselectIfSelected(printer, src, folder);
    await exclusively(dst, () => place(srcAbs, dstAbs, folder, kind));
    if (meta) {
      if (kind === 'move') await this.metadata.update(path.dirname(srcAbs), baseName(src), () => undefined);
      const thumbnails = meta.thumbnails?.length ? await transferThumbnails(srcAbs, dstAbs, meta.thumbnails, kind) : meta.thumbnails;
      await this.metadata.update(path.dirname(dstAbs), baseName(dst), () => ({ ...meta, ...(thumbnails ? { thumbnails } : {}) }));
    }
    if (folder) {
      if (kind === 'move') {
        this.metadata.forget(srcAbs);
        this.signals.folderRemoved.fire({ storage: 'local', path: src, name: baseName(src) });
      }
      this.signals.folderAdded.fire({ storage: 'local', path: dst, name: baseName(dst) });
    } else {
      if (kind === 'move') this.signals.fileRemoved.fire({ storage: 'local', path: src, name: baseName(src), type: typePathOf(src)! });
      this.signals.fileAdded.fire({ storage: 'local', path: dst, name: baseName(dst), type: typePathOf(dst)! });
    }
    this.signals.listChanged.fire();
    const entry = await this.get(dst);
    if (!entry) throw new FileOperationError(500, `"${dst}" vanished after ${kind}`);
    return entry;
  }

  // --- helpers ---

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
      this.signals.folderAdded.fire({ storage: 'local', path: current, name: segment });
      this.signals.listChanged.fire();
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
    if (meta.analysis && meta.analysed?.size === stat.size) {
      entry.analysis = meta.analysis;
      if (meta.thumbnails?.length) entry.thumbnails = meta.thumbnails;
    }
    if (meta.prints) entry.prints = meta.prints;
    if (meta.user) entry.user = meta.user;
    return entry;
  }
}

/**
 * Puts `srcAbs` at `dstAbs` with a last step that fails when the destination exists: a file is
 * copied with COPYFILE_EXCL or hard-linked then unlinked; a folder's place is taken with mkdir
 * (then filled, or renamed onto: rename replaces only the empty folder we just made).
 */
async function place(srcAbs: string, dstAbs: string, folder: boolean, kind: 'copy' | 'move'): Promise<void> {
  if (!folder) {
    if (kind === 'copy') return fs.promises.copyFile(srcAbs, dstAbs, fs.constants.COPYFILE_EXCL);
    await fs.promises.link(srcAbs, dstAbs);
    return fs.promises.unlink(srcAbs);
  }
  await fs.promises.mkdir(dstAbs);
  try {
    if (kind === 'copy') await fs.promises.cp(srcAbs, dstAbs, { recursive: true, errorOnExist: true, force: false });
    else await fs.promises.rename(srcAbs, dstAbs);
  } catch (err) {
    // give the place back only if it is still the empty folder we made
    await fs.promises.rmdir(dstAbs).catch(() => undefined);
    throw err;
  }
}

/** Runs a step whose EEXIST/ENOTEMPTY means someone else put something at `rel` first: 409, nothing replaced. */
async function exclusively(rel: string, step: () => Promise<void>): Promise<void> {
  try {
    await step();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTEMPTY' || code === 'ERR_FS_CP_EEXIST') throw new FileOperationError(409, `"${rel}" already exists`);
    throw err;
  }
}

function sizeOf(entries: readonly StoredEntry[]): number {
  return entries.reduce((sum, e) => sum + (e.kind === 'file' ? e.size : (e.size ?? 0)), 0);
}
