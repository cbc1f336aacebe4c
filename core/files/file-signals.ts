/** The file manager's signals, shared by its parts (local storage, SD storage, analysis); the file-events plugin turns them into events. */
import { Emitter } from '../common/event.js';
import type { FileEntry, StorageEntry, StorageOrigin } from '../events/catalogue.js';
import type { GcodeAnalysisResult } from '../events/analysis-result.js';

export type AnalysisSignal = { origin: StorageOrigin; path: string; name: string };

export class FileSignals {
  readonly fileAdded = new Emitter<FileEntry>();
  readonly fileRemoved = new Emitter<FileEntry>();
  readonly folderAdded = new Emitter<StorageEntry>();
  readonly folderRemoved = new Emitter<StorageEntry>();
  readonly uploaded = new Emitter<{ name: string; path: string; target: StorageOrigin }>();
  readonly listChanged = new Emitter<void>();
  readonly analysisStarted = new Emitter<AnalysisSignal>();
  readonly analysisFinished = new Emitter<AnalysisSignal & { result: GcodeAnalysisResult }>();
  readonly analysisProgress = new Emitter<AnalysisSignal & { progress: number }>();
  readonly transferStarted = new Emitter<{ local: string; remote: string; printer?: string }>();
  readonly transferDone = new Emitter<{ time: number; local: string; remote: string; printer?: string }>();
}
