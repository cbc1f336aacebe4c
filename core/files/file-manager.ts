/**
 * The file manager contract: storages `local` (shared by every printer) and `sdcard` (one printer's), uploads, folders, copy/move/delete,
 * metadata and analysis. Changes are signalled here; the file-events plugin fires the catalogue's
 * File-handling events for them.
 */
import type { Readable } from 'node:stream';
import type { Event } from '../common/event.js';
import type { FileEntry, StorageEntry, StorageOrigin } from '../events/catalogue.js';
import type { GcodeAnalysisResult } from '../events/analysis-result.js';
import type { JobFile, PrinterService } from '../printer/printer-service.js';
import type { PrintHistory } from './metadata-store.js';
import type { FileThumbnail } from './thumbnails.js';

export type { PrintHistory, PrintRecord } from './metadata-store.js';

export interface StoredFile {
  kind: 'file';
  origin: StorageOrigin;
  /** path within the storage, '/'-separated, no leading slash */
  path: string;
  name: string;
  /** ["machinecode", "gcode"] or ["model", "stl"] */
  typePath: string[];
  size: number;
  /** epoch seconds */
  date: number;
  analysis?: GcodeAnalysisResult;
  /** print history of this file (local storage) */
  prints?: PrintHistory;
  /** who uploaded it, when known */
  user?: string;
  /** the slicer's thumbnails beside it (`.thumbs/…`), found by its analysis */
  thumbnails?: FileThumbnail[];
}

export interface StoredFolder {
  kind: 'folder';
  origin: StorageOrigin;
  path: string;
  name: string;
  children?: (StoredFile | StoredFolder)[];
  /** bytes of the files inside, recursively (local storage) */
  size?: number;
}

export type StoredEntry = StoredFile | StoredFolder;

/** A refused file operation: `status` is the HTTP status the REST API answers with. */
export class FileOperationError extends Error {
  constructor(
    readonly status: 400 | 404 | 409 | 413 | 415 | 500,
    message: string,
  ) {
    super(message);
    this.name = 'FileOperationError';
  }
}

/** An upload received into the storage's temporary folder, not yet placed. */
export interface StagedUpload {
  readonly tmpPath: string;
  readonly size: number;
}

export interface StorageSpace {
  free: number;
  total: number;
}

export interface FileManager {
  /**
   * This manager with `printer`'s SD card as its `sdcard` storage (each printer has its own card; the
   * manager itself uses the first printer's). The local storage, metadata and signals are the same.
   * Routes pass the request's printer; undefined (a host without printers) has no card.
   */
  forPrinter(printer: PrinterService | undefined): FileManager;
  list(origin: StorageOrigin, folder?: string, recursive?: boolean): Promise<StoredEntry[]>;
  get(origin: StorageOrigin, path: string): Promise<StoredEntry | null>;
  /**
   * The stored file a printer's job names (undefined when it is gone or a folder), cached per job until
   * the storage or a file's metadata changes: /api/job, /api/printers and push read it on every poll.
   */
  jobDetailsFile(origin: StorageOrigin, path: string): Promise<StoredFile | undefined>;
  /** Stores a stream as `path`, confined to the storage; fires added/upload signals. */
  addFile(origin: StorageOrigin, path: string, content: Readable, options?: { overwrite?: boolean; upload?: boolean }): Promise<StoredFile>;
  addFolder(origin: StorageOrigin, path: string): Promise<StoredFolder>;
  remove(origin: StorageOrigin, path: string): Promise<void>;
  copy(origin: StorageOrigin, from: string, to: string): Promise<StoredEntry>;
  move(origin: StorageOrigin, from: string, to: string): Promise<StoredEntry>;
  /** Absolute path on disk of a local file (after confinement checks). */
  diskPath(path: string): string;
  /** Absolute path on disk of a thumbnail beside the local files of `folder` (thumbnails.ts); 400 for another name. */
  thumbnailPath(folder: string, name: string): string;

  readonly onFileAdded: Event<FileEntry>;
  readonly onFileRemoved: Event<FileEntry>;
  readonly onFolderAdded: Event<StorageEntry>;
  readonly onFolderRemoved: Event<StorageEntry>;
  readonly onUploaded: Event<{ name: string; path: string; target: StorageOrigin }>;
  readonly onListChanged: Event<void>;
  readonly onAnalysisStarted: Event<{ origin: StorageOrigin; path: string; name: string }>;
  readonly onAnalysisFinished: Event<{ origin: StorageOrigin; path: string; name: string; result: GcodeAnalysisResult }>;
  /** an upload to a printer's card began; `printer`: that printer's id */
  readonly onTransferStarted: Event<{ local: string; remote: string; printer?: string }>;
  readonly onTransferDone: Event<{ time: number; local: string; remote: string; printer?: string }>;

  // --- additions of the implementation (issue 4) ---
  /** Receives a stream into a temporary file inside the storage; 413 (and nothing left) over the size limit. */
  stageUpload(content: Readable): Promise<StagedUpload>;
  /** Places a staged upload at `path` (validated first); removes the temporary file whatever happens. */
  commitUpload(
    staged: StagedUpload,
    origin: StorageOrigin,
    path: string,
    options?: { overwrite?: boolean; upload?: boolean; userdata?: unknown; user?: string },
  ): Promise<StoredFile>;
  /** Removes a staged upload that will not be committed. */
  discardUpload(staged: StagedUpload): Promise<void>;
  /** Queues the G-code analysis of a file again. */
  analyse(origin: StorageOrigin, path: string): Promise<void>;
  /** What the printer needs to select a file for printing (404 when missing, 415 when not machine code). */
  jobFile(origin: StorageOrigin, path: string): Promise<JobFile>;
  /** Free and total bytes of the local storage's file system. */
  space(): Promise<StorageSpace>;
  /** Progress of long analyses (0..1), at most a few times a second. */
  readonly onAnalysisProgress: Event<{ origin: StorageOrigin; path: string; name: string; progress: number }>;
}
export const FileManager = Symbol.for('cuttle.FileManager');
