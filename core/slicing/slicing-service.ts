/**
 * The slicing contract: slicer plugins register here, jobs run through here. Filled by the
 * slicing issue; the slicing-events plugin fires the Slicing events for its signals.
 */
import type { Disposable } from '../common/disposable.js';
import type { Event } from '../common/event.js';
import type { SlicingProfileRef, SlicingRef } from '../events/catalogue.js';

export interface SlicerDescriptor {
  /** e.g. "prusaslicer" */
  id: string;
  displayName: string;
  /** why the slicer cannot run (binary missing, …); null when it can */
  unavailableReason(): Promise<string | null>;
}

export interface SlicingService {
  registerSlicer(slicer: SlicerDescriptor): Disposable;
  slicers(): readonly SlicerDescriptor[];
  readonly onStarted: Event<SlicingRef & { progressAvailable: boolean }>;
  readonly onProgress: Event<SlicingRef & { slicer: string; progress: number }>;
  readonly onDone: Event<SlicingRef & { time: number }>;
  readonly onCancelled: Event<SlicingRef>;
  readonly onFailed: Event<SlicingRef & { reason: string }>;
  readonly onProfileAdded: Event<SlicingProfileRef>;
  readonly onProfileModified: Event<SlicingProfileRef>;
  readonly onProfileDeleted: Event<SlicingProfileRef>;
}
export const SlicingService = Symbol.for('cuttle.SlicingService');
