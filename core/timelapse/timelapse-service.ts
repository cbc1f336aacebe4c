/**
 * The timelapse contract: frame capture during prints and rendering with ffmpeg afterwards.
 * Filled by the timelapse issue; the timelapse-events plugin fires the Timelapse events.
 */
import type { Event } from '../common/event.js';
import type { MovieRef } from '../events/catalogue.js';

export type TimelapseMode = 'off' | 'zchange' | 'timed';

export interface TimelapseService {
  readonly mode: TimelapseMode;
  readonly onCaptureStart: Event<{ file: string }>;
  readonly onCaptureDone: Event<{ file: string }>;
  readonly onCaptureFailed: Event<{ file: string; error: string }>;
  readonly onMovieRendering: Event<MovieRef>;
  readonly onMovieDone: Event<MovieRef>;
  readonly onMovieFailed: Event<MovieRef & { returncode: number | null; reason: 'returncode' | 'no_frames' | 'unknown' }>;
}
export const TimelapseService = Symbol.for('cuttle.TimelapseService');
