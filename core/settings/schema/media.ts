/** Configuration of slicing, timelapses and the webcam (owned by core/slicing and core/timelapse). */
import type convict from 'convict';

export type TimelapseType = 'off' | 'zchange' | 'timed';
export type PrintEndKind = 'done' | 'failed' | 'cancelled';

export interface MediaConfig {
  slicing: {
    enabled: boolean;
    defaultSlicer: string;
    /** seconds a slicer may run before its job fails */
    timeoutSec: number;
  };
  timelapse: {
    type: TimelapseType;
    /** timed mode: seconds between frames */
    interval: number;
    /** zchange mode: milliseconds to wait after the Z change before capturing */
    zchangeDelayMs: number;
    fps: number;
    /** seconds of still last frame appended to the movie */
    postRoll: number;
    /** ffmpeg's -b:v, e.g. "5000k" */
    bitrate: string;
    /** PNG overlaid in the bottom-right corner; empty for none */
    watermark: string;
    /** print ends after which the movie is rendered; other ends leave the frames unrendered */
    renderOn: PrintEndKind[];
    ffmpeg: string;
    /** ffmpeg's -threads (low so a running print keeps its CPU) */
    threads: number;
    /** niceness of the ffmpeg process (0..19) */
    nice: number;
  };
  webcam: {
    /** URL answering a JPEG per GET (mjpg-streamer, ustreamer); empty for cuttle's own test pattern */
    snapshotUrl: string;
    /** argv of a program printing a JPEG on stdout, or writing to the argument `{file}`; used when non-empty */
    snapshotCommand: string[];
    snapshotTimeoutMs: number;
    /** serve the test-pattern camera at /webcam/test-pattern.jpg */
    testPattern: boolean;
  };
}

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

export const mediaSchema: convict.Schema<MediaConfig> = {
  slicing: {
    enabled: { doc: 'Offer slicing.', format: Boolean, default: true },
    defaultSlicer: { doc: 'Slicer used when a slice command names none.', format: String, default: 'prusaslicer' },
    timeoutSec: { doc: 'Seconds a slicing job may run before it fails.', format: 'nat', default: 600 },
  },
  timelapse: {
    type: { doc: 'Timelapse mode: off, zchange (a frame per layer) or timed.', format: ['off', 'zchange', 'timed'], default: 'off' },
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
  },
  webcam: {
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
  },
};
