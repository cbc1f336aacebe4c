/**
 * The slicing contract: slicer plugins register here, jobs run through here. Filled by the
 * slicing issue; the slicing-events plugin fires the Slicing events for its signals.
 */
import type { PrinterService } from '../printer/printer-service.js';
import type { Disposable } from '../common/disposable.js';
import type { Event } from '../common/event.js';
import type { SlicingProfileRef, SlicingRef, StorageOrigin } from '../events/catalogue.js';

export interface SlicerDescriptor {
  /** e.g. "prusaslicer" */
  id: string;
  displayName: string;
  /** why the slicer cannot run (binary missing, …); null when it can */
  unavailableReason(): Promise<string | null>;
}

export interface SlicingService {
  registerSlicer(slicer: SlicerPlugin): Disposable;
  slicers(): readonly SlicerDescriptor[];
  readonly onStarted: Event<SlicingRef & { progressAvailable: boolean }>;
  readonly onProgress: Event<SlicingRef & { slicer: string; progress: number }>;
  readonly onDone: Event<SlicingRef & { time: number }>;
  readonly onCancelled: Event<SlicingRef>;
  readonly onFailed: Event<SlicingRef & { reason: string }>;
  readonly onProfileAdded: Event<SlicingProfileRef>;
  readonly onProfileModified: Event<SlicingProfileRef>;
  readonly onProfileDeleted: Event<SlicingProfileRef>;

  /** Starts a job and resolves when SlicingStarted has been signalled; `done` settles with the outcome. */
  slice(request: SliceRequest): Promise<{ ref: SlicingRef; done: Promise<SliceOutcome> }>;
  slicer(id: string): SlicerPlugin | undefined;
  profiles(slicer: string): Promise<SlicingProfileInfo[]>;
  profile(slicer: string, key: string): Promise<SlicingProfile>;
  /** Creates or replaces; signals ProfileAdded or ProfileModified. */
  putProfile(slicer: string, key: string, input: SlicingProfileInput): Promise<{ profile: SlicingProfile; created: boolean }>;
  /** Changes the given fields only; data keys are merged. */
  patchProfile(slicer: string, key: string, input: SlicingProfileInput): Promise<SlicingProfile>;
  deleteProfile(slicer: string, key: string): Promise<void>;
}
export const SlicingService = Symbol.for('cuttle.SlicingService');

// ---- added by the slicing issue: jobs, slicer plugins and profiles ----

/** Where a model comes from and where its G-code goes, as the `slice` file command names them. */
export interface SliceRequest {
  /** slicer id; config `slicing.defaultSlicer` when absent */
  slicer?: string;
  /** the model's storage and path within it (only `local` can be sliced) */
  origin: StorageOrigin;
  path: string;
  /** target path within local storage; the model's path with `.gcode` when absent */
  gcode?: string;
  /** profile key; the slicer's default profile, else the slicer's built-in defaults */
  profile?: string;
  /** per-job setting overrides (OctoPrint's `profile.*` fields), slicer keys to values */
  overrides?: Record<string, string>;
  /** where the model's centre goes on the bed */
  position?: { x: number; y: number };
  /** select the G-code once stored / start printing it (implies select) */
  select?: boolean;
  print?: boolean;
  /** the printer that selects or prints it (the request's); the first printer when absent */
  printer?: PrinterService;
}

/** How a job ended (never a rejection, so nobody has to await it). */
export type SliceOutcome = SlicingRef &
  ({ result: 'done'; time: number } | { result: 'failed'; reason: string } | { result: 'cancelled' });

/** What a slicer plugin gets for one job. Everything is an absolute path on disk. */
export interface SlicerJob {
  model: string;
  output: string;
  /** profile files in the slicer's own format, loaded in this order (later ones win) */
  profileFiles: string[];
  overrides: Record<string, string>;
  position?: { x: number; y: number };
  /** aborted when the job is cancelled (a second job for the same G-code) or times out */
  signal: AbortSignal;
  /** 0..100 */
  onProgress(percent: number): void;
}

/** A slicer as a plugin contributes it: `registerSlicer(this)` or the `@Slicer` decorator. */
export interface SlicerPlugin extends SlicerDescriptor {
  /** true when `job.onProgress` will be called */
  readonly progressAvailable: boolean;
  /** file extension of its profiles, e.g. "ini" */
  readonly profileExtension: string;
  /** Resolves once `job.output` is written; rejects with `SlicingError` (the slicer's own message) otherwise. */
  slice(job: SlicerJob): Promise<void>;
}

/** A failure a slicer reports; `message` is the slicer's own words and becomes SlicingFailed's reason. */
export class SlicingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SlicingError';
  }
}

/** A refused slicing request or profile operation: `status` is what the REST API answers. */
export class SlicingRequestError extends Error {
  constructor(
    readonly status: 400 | 404 | 409 | 503,
    message: string,
  ) {
    super(message);
    this.name = 'SlicingRequestError';
  }
}

export interface SlicingProfileInfo {
  key: string;
  displayName: string;
  description: string;
  default: boolean;
}

export interface SlicingProfile extends SlicingProfileInfo {
  /** the settings, parsed from the stored profile file */
  data: Record<string, string>;
}

/** A profile to store: either `data` (settings) or `text` (a slicer's own file, e.g. a PrusaSlicer .ini, kept as is). */
export interface SlicingProfileInput {
  displayName?: string;
  description?: string;
  default?: boolean;
  data?: Record<string, string>;
  text?: string;
}
