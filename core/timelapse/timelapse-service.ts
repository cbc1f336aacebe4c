/**
 * The timelapse contract: frame capture during prints and rendering with ffmpeg afterwards.
 * Filled by the timelapse issue; the timelapse-events plugin fires the Timelapse events.
 */
import type { Event } from '../common/event.js';
import type { MovieRef } from '../events/catalogue.js';

export const TIMELAPSE_MODES = ['off', 'zchange', 'timed'] as const;
export type TimelapseMode = (typeof TIMELAPSE_MODES)[number];

export interface TimelapseService {
  readonly mode: TimelapseMode;
  readonly onCaptureStart: Event<{ file: string }>;
  readonly onCaptureDone: Event<{ file: string }>;
  readonly onCaptureFailed: Event<{ file: string; error: string }>;
  readonly onMovieRendering: Event<MovieRef>;
  readonly onMovieDone: Event<MovieRef>;
  readonly onMovieFailed: Event<MovieRef & { returncode: number | null; reason: 'returncode' | 'no_frames' | 'unknown' }>;

  /** the settings used for the next print (a print keeps those it started with) */
  config(): TimelapseConfig;
  /** Validates and applies the changes for the next prints; `save` also makes them the configured default. */
  configure(changes: Partial<TimelapseConfig>, save: boolean): Promise<TimelapseConfig>;
  movies(): Promise<TimelapseMovie[]>;
  /** Absolute path of a rendered movie; throws TimelapseRequestError(404) for an unknown or unsafe name. */
  moviePath(name: string): Promise<string>;
  deleteMovie(name: string): Promise<void>;
  /** Frame sets not rendered yet (being recorded, rendering, failed or left by config). */
  unrendered(): Promise<UnrenderedTimelapse[]>;
  /** Queues a frame set for rendering; the Movie* signals tell how it went. */
  render(name: string): Promise<void>;
  deleteUnrendered(name: string): Promise<void>;
  /** Resolves once nothing is queued or rendering. */
  renderingIdle(): Promise<void>;
}

export interface TimelapseConfig {
  type: TimelapseMode;
  /** timed: seconds between frames */
  interval: number;
  /** zchange: milliseconds between the Z change and the capture */
  zchangeDelayMs: number;
  fps: number;
  /** seconds of still last frame at the end of the movie */
  postRoll: number;
}

export interface TimelapseMovie {
  name: string;
  bytes: number;
  /** epoch seconds */
  date: number;
}

export interface UnrenderedTimelapse {
  name: string;
  /** the G-code file name the frames were taken for */
  gcode: string;
  frames: number;
  bytes: number;
  /** epoch seconds of the newest frame (or of the set) */
  date: number;
  recording: boolean;
  rendering: boolean;
}

/** A refused timelapse operation: `status` is what the REST API answers. */
export class TimelapseRequestError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
    this.name = 'TimelapseRequestError';
  }
}
export const TimelapseService = Symbol.for('cuttle.TimelapseService');
