/**
 * The file manager contract: storages `local` and `sdcard`, uploads, folders, copy/move/delete,
 * metadata and analysis. Changes are signalled here; the file-events plugin fires the catalogue's
 * File-handling events for them.
 */
import type { Readable } from 'node:stream';
import type { Event } from '../common/event.js';
import type { FileEntry, StorageEntry, StorageOrigin } from '../events/catalogue.js';
import type { GcodeAnalysisResult } from './analysis-result.js';

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
}

export interface StoredFolder {
  kind: 'folder';
  origin: StorageOrigin;
  path: string;
  name: string;
  children?: (StoredFile | StoredFolder)[];
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

export interface FileManager {
  list(origin: StorageOrigin, folder?: string, recursive?: boolean): Promise<StoredEntry[]>;
  get(origin: StorageOrigin, path: string): Promise<StoredEntry | null>;
  /** Stores a stream as `path`, confined to the storage; fires added/upload signals. */
  addFile(origin: StorageOrigin, path: string, content: Readable, options?: { overwrite?: boolean; upload?: boolean }): Promise<StoredFile>;
  addFolder(origin: StorageOrigin, path: string): Promise<StoredFolder>;
  remove(origin: StorageOrigin, path: string): Promise<void>;
  copy(origin: StorageOrigin, from: string, to: string): Promise<StoredEntry>;
  move(origin: StorageOrigin, from: string, to: string): Promise<StoredEntry>;
  /** Absolute path on disk of a local file (after confinement checks). */
  diskPath(path: string): string;

  readonly onFileAdded: Event<FileEntry>;
  readonly onFileRemoved: Event<FileEntry>;
  readonly onFolderAdded: Event<StorageEntry>;
  readonly onFolderRemoved: Event<StorageEntry>;
  readonly onUploaded: Event<{ name: string; path: string; target: StorageOrigin }>;
  readonly onListChanged: Event<void>;
  readonly onAnalysisStarted: Event<{ origin: StorageOrigin; path: string; name: string }>;
  readonly onAnalysisFinished: Event<{ origin: StorageOrigin; path: string; name: string; result: GcodeAnalysisResult }>;
  readonly onTransferStarted: Event<{ local: string; remote: string }>;
  readonly onTransferDone: Event<{ time: number; local: string; remote: string }>;
}
export const FileManager = Symbol.for('cuttle.FileManager');
