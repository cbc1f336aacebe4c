/**
 * Per-folder metadata of the local storage (analysis result, print history, user data): one
 * `.metadata.json` per folder, cached in memory, written atomically (temporary file, then rename)
 * and serialised per folder so that concurrent updates never interleave.
 */
import fs from 'node:fs';
import path from 'node:path';
import { sweepTemporariesUnder, writeFileAtomic } from '../common/atomic-write.js';
import type { GcodeAnalysisResult } from '../events/analysis-result.js';

export const METADATA_FILE = '.metadata.json';
import type { FileThumbnail } from './thumbnails.js';

export interface PrintRecord {
  /** epoch seconds */
  date: number;
  printTime: number | null;
  success: boolean;
  /** OctoPrint's printer profile id; cuttle has one profile */
  printerProfile: string;
}

export interface PrintHistory {
  success: number;
  failure: number;
  last?: PrintRecord;
  /** seconds, mean of the successful prints */
  averagePrintTime?: number;
}

export interface FileMetadata {
  analysis?: GcodeAnalysisResult;
  /** size and mtime (ms) the analysis belongs to: a replaced file is analysed again */
  analysed?: { size: number; mtimeMs: number };
  prints?: PrintHistory;
  userdata?: unknown;
  /** name of the user (API key owner) who uploaded the file */
  user?: string;
  /** the slicer's thumbnails, extracted with the analysis (thumbnails.ts) */
  thumbnails?: FileThumbnail[];
}

type FolderMetadata = Record<string, FileMetadata>;

export class MetadataStore {
  private readonly cache = new Map<string, FolderMetadata>();
  private readonly writes = new Map<string, Promise<void>>();

  constructor(
    private readonly onWriteError: (dir: string, err: unknown) => void,
    /** told of every change (an update or a folder forgotten), before it is saved */
    private readonly onChange: () => void = () => undefined,
  ) {}

  /** The metadata of `name` in disk folder `dir` (empty when none). */
  get(dir: string, name: string): FileMetadata {
    return this.folder(dir)[name] ?? {};
  }

  /** Changes one entry (or removes it when `change` returns undefined) and saves the folder. */
  update(dir: string, name: string, change: (current: FileMetadata) => FileMetadata | undefined): Promise<void> {
    const data = { ...this.folder(dir) };
    const next = change(data[name] ?? {});
    if (next === undefined) delete data[name];
    else data[name] = next;
    this.cache.set(dir, data);
    this.onChange();
    return this.save(dir);
  }

  /** Forgets cached folders at or under `dir` (after a folder was moved or deleted). */
  forget(dir: string): void {
    this.onChange();
    for (const key of [...this.cache.keys()]) if (key === dir || key.startsWith(dir + path.sep)) this.cache.delete(key);
  }

  /** Resolves when every pending write has landed. */
  async flush(): Promise<void> {
    await Promise.all([...this.writes.values()]);
  }

  private folder(dir: string): FolderMetadata {
    let data = this.cache.get(dir);
    if (!data) {
      data = readJson(path.join(dir, METADATA_FILE));
      this.cache.set(dir, data);
    }
    return data;
  }

  private save(dir: string): Promise<void> {
    const previous = this.writes.get(dir) ?? Promise.resolve();
    const next = previous.then(() => this.write(dir)).catch((err: unknown) => this.onWriteError(dir, err));
    this.writes.set(dir, next);
    void next.then(() => {
      if (this.writes.get(dir) === next) this.writes.delete(dir);
    });
    return next;
  }

  private async write(dir: string): Promise<void> {
    const data = this.cache.get(dir);
    if (!data || !fs.existsSync(dir)) return;
    await writeFileAtomic(path.join(dir, METADATA_FILE), JSON.stringify(data, null, 1), { fsync: false, mkdir: false });
  }

  /** Removes temporary metadata files under `root` that writers killed mid-write left behind. */
  sweepTemporaries(root: string): Promise<string[]> {
    return sweepTemporariesUnder(root, METADATA_FILE);
  }
}

function readJson(file: string): FolderMetadata {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as FolderMetadata) : {};
  } catch {
    return {};
  }
}
