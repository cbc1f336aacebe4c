/** Timelapse and webcam settings (`timelapse.*`, `webcam.*`), contributed by timelapseModule. */
import { choice } from '../settings/settings-schema.js';
import { defineSettings } from '../settings/settings-section.js';
import { TIMELAPSE_MODES } from './timelapse-service.js';

/** How a print ended, for `timelapse.renderOn`. */
export type PrintEndKind = 'done' | 'failed' | 'cancelled';
const PRINT_ENDS: readonly PrintEndKind[] = ['done', 'failed', 'cancelled'];

/** convict formats that name what is wrong */
const listOf = (allowed: readonly string[] | null, what: string) => (value: unknown) => {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || (allowed !== null && !allowed.includes(v)))) {
    throw new Error(`must be a list of ${what}`);
  }
};
const numberFrom = (min: number, max = Infinity, integer = false) => (value: unknown) => {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new Error(`must be ${integer ? 'an integer' : 'a number'} from ${min}${max === Infinity ? '' : ` to ${max}`}`);
  }
};

export const timelapseSettings = defineSettings('timelapse', {
  type: { doc: 'Timelapse mode: off, zchange (a frame per layer) or timed.', ...choice(TIMELAPSE_MODES, 'off') },
  interval: { doc: 'Timed mode: seconds between two frames.', format: numberFrom(0.1), default: 10 },
  zchangeDelayMs: { doc: 'Z-change mode: milliseconds to wait after a Z change before capturing.', format: 'nat', default: 0 },
  fps: { doc: 'Frames per second of the rendered movie.', format: numberFrom(1, 120, true), default: 25 },
  postRoll: { doc: 'Seconds of still last frame appended to the movie.', format: numberFrom(0, 600), default: 0 },
  bitrate: { doc: "Video bitrate given to ffmpeg's -b:v.", format: String, default: '10000k' },
  watermark: { doc: 'PNG image overlaid in the bottom-right corner of the movie; empty for none.', format: String, default: '' },
  renderOn: {
    doc: 'Print ends (done, failed, cancelled) after which the movie is rendered; frames of other ends stay unrendered.',
    format: listOf(PRINT_ENDS, 'done, failed, cancelled'),
    default: [...PRINT_ENDS],
  },
  ffmpeg: { doc: 'The ffmpeg binary.', format: String, default: 'ffmpeg' },
  threads: { doc: "ffmpeg's -threads: kept low so a running print keeps its CPU.", format: numberFrom(1, 64, true), default: 1 },
  nice: { doc: 'Niceness (0..19) of the rendering ffmpeg process: 19 gives a running print the CPU first.', format: numberFrom(0, 19, true), default: 19 },
});

export const webcamSettings = defineSettings('webcam', {
  streamUrl: {
    doc: "URL of the camera's live MJPEG stream (mjpg-streamer's ?action=stream), shown by the web app and OctoPrint apps; empty: snapshots only. A printer with webcams of its own (its entry's webcams) shows those instead.",
    format: String,
    default: '',
  },
  snapshotUrl: {
    doc: "URL answering one JPEG per GET (mjpg-streamer's ?action=snapshot, ustreamer's /snapshot); empty for cuttle's own test pattern.",
    format: String,
    default: '',
  },
  snapshotCommand: {
    doc: 'A capture program as an argv list (no shell): it prints a JPEG on stdout, or writes the argument "{file}". Used instead of the URL when non-empty.',
    format: listOf(null, 'strings (program, then its arguments)'),
    default: [] as string[],
  },
  snapshotTimeoutMs: { doc: 'Milliseconds a snapshot may take before the capture fails.', format: 'nat', default: 5000 },
  testPattern: { doc: 'Serve a test-pattern camera (a fresh JPEG per GET) at /webcam/test-pattern.jpg.', format: Boolean, default: true },
});
