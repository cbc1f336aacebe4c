/**
 * What the web app computes for display: durations in human units, the print time left as
 * OctoPrint's estimator makes it (one clock per printer), temperatures in a line, and one readable
 * line per event. Plain functions with no DOM, unit-tested in Node (test/ui/format.test.ts).
 */
import { isolateIfTurning } from './bidi.js';

/** 42 s · 4 min 05 s · 1 h 02 min · 2 d 3 h; '–' when unknown. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.round(seconds);
  const pad = (n: number) => (n < 10 ? '0' : '') + n;
  if (s < 60) return s + ' s';
  if (s < 3600) return Math.floor(s / 60) + ' min ' + pad(s % 60) + ' s';
  const minutes = Math.round(s / 60);
  if (minutes < 24 * 60) return Math.floor(minutes / 60) + ' h ' + pad(minutes % 60) + ' min';
  const hours = Math.round(s / 3600);
  return Math.floor(hours / 24) + ' d ' + (hours % 24) + ' h';
}

/**
 * OctoPrint's TimeEstimationHelper: the total time implied by progress (elapsed / progress) counts
 * only once its running average has been stable (moving less than `threshold` s) for `countdown`
 * updates; then the average of the last `window` totals is the estimate.
 */
export class TimeEstimationHelper {
  private readonly totals: number[] = [];
  private readonly distances: number[] = [];
  private sum = 0;
  private count = 0;
  private stable = -1;

  constructor(
    private readonly window = 250,
    private readonly countdown = 250,
    private readonly threshold = 60,
  ) {}

  update(total: number): number | null {
    const before = this.count ? this.sum / this.count : 0;
    this.sum += total;
    this.count++;
    this.totals.push(total);
    if (this.totals.length > this.window) this.totals.shift();
    if (before) {
      this.distances.push(Math.abs(this.sum / this.count - before));
      if (this.distances.length > this.window) this.distances.shift();
    }
    const distance = this.count < this.window + 1 || !this.distances.length ? -1 : this.distances.reduce((a, b) => a + b, 0) / this.distances.length;
    this.stable = -this.threshold < distance && distance < this.threshold ? this.stable + 1 : -1;
    if (this.stable < this.countdown || this.count < this.window) return null;
    return this.totals.reduce((a, b) => a + b, 0) / this.totals.length;
  }
}

export interface TimeLeft {
  /** seconds, or null while no estimate can be trusted yet */
  left: number | null;
  /** OctoPrint's printTimeLeftOrigin: analysis, mixed-analysis, estimate, linear (average… for past prints) */
  origin: string | null;
}

/**
 * OctoPrint's PrintTimeEstimator (octoprint/printer/estimation.py), with its default settings:
 *  1. a stable progress-based total (TimeEstimationHelper), when there is one;
 *  2. the statistical total (the file's analysis, or past prints) weighed against it: up to
 *     `statsWeighingUntil` of the print the statistics count for (1 - progress / statsWeighingUntil);
 *     with no stable estimate yet, the statistics alone;
 *  3. a sanity check: the total must put the print within `validityRange` of where it really is,
 *     else the linear estimate (elapsed / progress) is used;
 *  4. with no total at all, linear only after `forceDumbFromPercent` or `forceDumbAfterMin`.
 */
export class PrintTimeEstimator {
  statsWeighingUntil = 0.5;
  validityRange = 0.15;
  forceDumbFromPercent = 0.3;
  forceDumbAfterMin = 30;
  private readonly helper = new TimeEstimationHelper();

  /** `progress` is 0..1 of the file, `printTime` the seconds elapsed. */
  estimate(progress: number | null, printTime: number | null, statisticalTotal: number | null, statisticalType: string): TimeLeft {
    if (!progress || printTime == null) return { left: null, origin: null };
    const linearTotal = printTime / progress;
    const estimated = printTime ? this.helper.update(linearTotal) : null;
    let total: number | null = estimated;
    let origin = 'estimate';
    if (statisticalTotal != null && statisticalTotal > 0) {
      if (estimated == null) {
        total = statisticalTotal;
        origin = statisticalType;
      } else if (progress < this.statsWeighingUntil) {
        const weight = Math.min(1, progress / this.statsWeighingUntil);
        total = (1 - weight) * statisticalTotal + weight * estimated;
        origin = 'mixed-' + statisticalType;
      }
    }
    let left: number | null = null;
    if (total != null) {
      const assumed = printTime / total;
      if (assumed >= progress - this.validityRange && assumed <= progress + this.validityRange && total > printTime) left = total - printTime;
      else {
        left = linearTotal - printTime;
        origin = 'linear';
      }
    } else {
      origin = 'linear';
      if (progress > this.forceDumbFromPercent || printTime >= this.forceDumbAfterMin * 60) left = linearTotal - printTime;
    }
    return { left: left != null && left < 0 ? null : left, origin };
  }
}

/** The parts of a push `current` (or an `/api/printers` entry) a print clock reads. */
export interface ClockInput {
  state?: { flags?: { printing?: boolean; paused?: boolean; pausing?: boolean; cancelling?: boolean } } | null;
  job?: { file?: { origin?: string | null; path?: string | null } | null; estimatedPrintTime?: number | null } | null;
  progress?: { completion?: number | null; printTime?: number | null } | null;
}

export interface ClockReading {
  /** seconds printed so far, null when no job runs */
  elapsed: number | null;
  /** seconds left, null while unknown */
  left: number | null;
  origin: string | null;
  /** a job is printing, paused or on its way there */
  active: boolean;
  /** the file analysis' total, when known */
  analysed: number | null;
}

/**
 * One printer's job clock: an estimator per job run (a new file, or a print time that went back,
 * starts a new one), fed with every state update of that printer.
 */
export class PrintClock {
  private estimator = new PrintTimeEstimator();
  private job: string | null = null;
  private lastPrintTime: number | null = null;

  update(d: ClockInput): ClockReading {
    const t = d.progress || {};
    const job = d.job || {};
    const flags = (d.state && d.state.flags) || {};
    const file = job.file;
    const key = file && file.path ? file.origin + ':' + file.path : null;
    const printTime = t.printTime == null ? null : t.printTime;
    if (key !== this.job || printTime == null || (this.lastPrintTime != null && printTime < this.lastPrintTime)) {
      this.estimator = new PrintTimeEstimator();
      this.job = key;
    }
    this.lastPrintTime = printTime;
    const active = !!(flags.printing || flags.paused || flags.pausing || flags.cancelling);
    const analysed = job.estimatedPrintTime != null ? job.estimatedPrintTime : null;
    const result = active ? this.estimator.estimate(t.completion == null ? null : t.completion / 100, printTime, analysed, 'analysis') : { left: null, origin: null };
    return { elapsed: printTime, left: result.left, origin: result.origin, active, analysed };
  }
}

/** A card's time line: "1 h 05 min left", "estimating…" while printing without an estimate, the analysis when idle. */
export function timeLeftText(reading: ClockReading): string {
  if (!reading.active) return reading.analysed != null ? 'about ' + formatDuration(reading.analysed) + ' to print' : '';
  return reading.left == null ? 'estimating time left…' : formatDuration(reading.left) + ' left';
}

/** A card's progress line: "42.0 % · 3 min 10 s left", "done in 9 s" once a print has finished (not "100 % · about 9 s to print"). */
export function progressText(completion: number | null | undefined, reading: ClockReading): string {
  const time = timeLeftText(reading);
  if (completion == null) return time;
  if (!reading.active && completion >= 100) return reading.elapsed != null ? 'done in ' + formatDuration(reading.elapsed) : 'done';
  return completion.toFixed(1) + ' %' + (time ? ' · ' + time : '');
}

/** "tool0 209.8 / 210 °C · bed 21.3 / 0 °C" (actual / target; tools, bed, the rest) from `{tool0: {actual, target}, …}` (a push point's `time` is left out). */
export function describeTemperatures(heaters: Record<string, unknown> | null | undefined): string {
  if (!heaters) return '';
  return Object.keys(heaters)
    .filter((name) => name !== 'time')
    .sort((a, b) => {
      // tools first, then the bed, then the rest (chamber …), each by name
      const rank = (name: string) => (/^tool/.test(name) ? 0 : name === 'bed' ? 1 : 2);
      return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
    })
    .map((name) => {
      const reading = heaters[name] as { actual?: number | null; target?: number | null } | null;
      if (!reading || typeof reading !== 'object' || typeof reading.actual !== 'number') return '';
      return name + ' ' + reading.actual.toFixed(1) + (reading.target != null ? ' / ' + Math.round(reading.target) : '') + ' °C';
    })
    .filter((text) => text !== '')
    .join(' · ');
}

/** One readable line for a push `event` message (its type is shown beside it): names, numbers in units, no JSON. */
/** The G-code events (their payload is the printer only): what was sent, in words. */
const GCODE_EVENTS: Record<string, string> = {
  Home: 'G28 sent: homing',
  PowerOn: 'M80 sent: power on',
  PowerOff: 'M81 sent: power off',
  Dwell: 'G4 sent: dwelling',
  Waiting: 'waiting for the user (M0, M1 or M226)',
  Cooling: 'M245 sent: cooling',
  Alert: 'M300 sent: a beep',
  Conveyor: 'M240 sent: conveyor',
  Eject: 'M40 sent: eject',
  EStop: 'M112 sent: emergency stop',
};

/**
 * The name a person reads for an event type: a plugin's event (`plugin_<plugin id>_<Name>`) by its
 * own name, `PrintProgress`, not the 36 unbreakable characters that squeezed the log's sentences.
 */
export function eventLabel(type: string): string {
  return /^plugin_[a-z0-9_]+?_([A-Z]\w*)$/.exec(type)?.[1] ?? type;
}

export function describeEvent(type: string, payload: Record<string, unknown> | null | undefined): string {
  const p = payload || {};
  const text = (v: unknown) => (typeof v === 'string' ? v : v == null ? '' : String(v));
  // isolated when it holds right-to-left text or a direction override: ' in 5 s' after it read backwards
  const file = isolateIfTurning(text(p.path || p.name || p.file || ''));
  const origin = p.origin || p.storage || p.target;
  const where = origin && origin !== 'local' ? ' (' + text(origin) + ')' : '';
  if (Object.hasOwn(GCODE_EVENTS, type)) return GCODE_EVENTS[type]!;
  switch (type) {
    case 'Upload':
      return 'uploaded ' + file + where;
    case 'FileAdded':
    case 'FileRemoved':
    case 'FolderAdded':
    case 'FolderRemoved':
      return type.replace(/^(File|Folder)(Added|Removed)$/, (_m, kind: string, what: string) => kind.toLowerCase() + ' ' + what.toLowerCase()) + ': ' + file + where;
    case 'FileSelected':
      return 'selected ' + file + where;
    case 'FileDeselected':
      return 'no file selected';
    case 'UpdatedFiles':
      return 'the file list changed';
    case 'MetadataAnalysisStarted':
      return 'analysing ' + file;
    case 'MetadataAnalysisFinished': {
      const result = (p.result || {}) as { estimatedPrintTime?: number };
      return 'analysed ' + file + (result.estimatedPrintTime != null ? ': about ' + formatDuration(result.estimatedPrintTime) + ' to print' : '');
    }
    case 'PrintStarted':
      return 'print started: ' + file;
    case 'PrintDone':
      return 'print done: ' + file + ' in ' + formatDuration(p.time as number);
    case 'PrintFailed':
      return 'print failed: ' + file + (p.time != null ? ' after ' + formatDuration(p.time as number) : '') + (p.reason ? ' (' + text(p.reason) + ')' : '');
    case 'PrintCancelled':
      return 'print cancelled: ' + file;
    case 'PrintPaused':
    case 'PrintResumed':
      return 'print ' + type.slice(5).toLowerCase() + ': ' + file;
    case 'PrinterStateChanged':
      return 'now ' + text(p.state_string);
    case 'ZChange':
      return 'Z ' + (p.old == null ? '?' : text(p.old)) + ' → ' + text(p.new) + ' mm';
    case 'plugin_printing_events_PrintProgress': {
      const done = typeof p.completion === 'number' ? p.completion : p.progress;
      const left = typeof p.printTimeLeft === 'number' ? ' · ' + formatDuration(p.printTimeLeft) + ' left' : '';
      return file + ' at ' + (typeof done === 'number' ? Math.round(done * 10) / 10 : '?') + ' %' + left;
    }
    case 'Connected':
      return 'printer on ' + text(p.port) + (p.baudrate ? ' at ' + text(p.baudrate) + ' baud' : '');
    case 'ClientOpened':
      return 'a client connected from ' + text(p.remoteAddress);
    case 'ClientClosed':
      return 'a client from ' + text(p.remoteAddress) + ' left';
    case 'Error':
      return text(p.error);
  }
  // anything else: its fields, deprecated duplicates left out, numbers rounded or as durations
  // `printer` is the log's own column: "printer p2" beside "Middle Ender" said it twice
  const shown = Object.keys(p).filter((key) => key !== 'printer' && !((key === 'file' || key === 'filename') && (p.path || p.name)) && !(key === 'origin' && p.origin === 'local'));
  return shown
    .map((key) => {
      const v = p[key];
      let out: string;
      if (typeof v === 'number') {
        if (/time/i.test(key)) out = formatDuration(v);
        else if (key === 'completion' || key === 'progress') out = (Math.round(v * 10) / 10) + ' %';
        else out = String(Math.round(v * 100) / 100);
      } else if (typeof v === 'boolean') out = v ? 'yes' : 'no';
      else if (Array.isArray(v)) out = v.every((x) => x === null || typeof x !== 'object') ? v.join(', ') : v.length + ' items';
      else if (v !== null && typeof v === 'object') out = '…';
      else out = text(v);
      return key + ' ' + (out.length > 60 ? out.slice(0, 59) + '…' : out);
    })
    .join(' · ');
}

// One formatter each, made once: Date#toLocale*String builds a new Intl formatter on every call,
// and a log of 200 rows redrawn four times a second made that a long task on a small machine.
const timeOfDayFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit', second: '2-digit' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: '2-digit', second: '2-digit' });

function formatted(format: Intl.DateTimeFormat, time: string | number | Date): string {
  const t = new Date(time);
  return Number.isNaN(t.getTime()) ? '' : format.format(t);
}

/** A time of day in the user's locale ('14:03:07'); '' for a time that is not one. */
export function timeOfDay(time: string | number | Date): string {
  return formatted(timeOfDayFormat, time);
}

/** A date and time in the user's locale; '' for a time that is not one. */
export function dateAndTime(time: string | number | Date): string {
  return formatted(dateTimeFormat, time);
}
