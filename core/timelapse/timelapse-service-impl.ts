/**
 * The timelapse service: records a frame set per print (mode and timing fixed when the print starts),
 * frames on each ZChange (after a delay) or every N seconds, and after the print ends queues the set
 * for rendering with ffmpeg in the background, one movie at a time. Triggers are the printer's own
 * signals (print started/ended, a sent move that changed Z), not catalogue events, so a timelapse does
 * not depend on which plugins are enabled; the timelapse-events plugin fires the Timelapse events for
 * the signals below.
 *
 * One per printer (in its scope). Printers share the folders, so a set's name is claimed by creating
 * its folder (mkdir fails for a name another printer took), and movies go through the host's one
 * TimelapseRenderQueue.
 *
 * Layout: `<timelapseTmp>/<set>/frame-000001.jpg` + `set.json` (the G-code name), movies `<timelapse>/<set>.mp4`.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { inject, injectable, optional } from 'inversify';
import { DisposableStore } from '../common/disposable.js';
import { Emitter } from '../common/event.js';
import type { LifecycleContribution } from '../common/lifecycle.js';
import type { MovieRef } from '../events/catalogue.js';
import { errorInfo, Logger } from '../logging/logger.js';
import { PrinterIdentity, shownCamera } from '../printer/printer-identity.js';
import { PrinterService, type JobFile } from '../printer/printer-service.js';
import { SettingsService } from '../settings/settings-service.js';
import { captureFrame, type FrameSource } from './frame-source.js';
import { TimelapseRenderQueue } from './render-queue.js';
import { listFrames, renderMovie } from './renderer.js';
import { timelapseSettings, webcamSettings, type PrintEndKind } from './settings.js';
import { TestPatternCamera } from './test-pattern.js';
import {
  TIMELAPSE_MODES,
  TimelapseRequestError,
  type TimelapseConfig,
  type TimelapseMode,
  type TimelapseMovie,
  type TimelapseService,
  type UnrenderedTimelapse,
} from './timelapse-service.js';

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/;
const MOVIE_EXT = '.mp4';
const SET_INFO = 'set.json';

type MovieFailure = MovieRef & { returncode: number | null; reason: 'returncode' | 'no_frames' | 'unknown' };

interface Recording {
  set: string;
  dir: string;
  gcode: string;
  config: TimelapseConfig;
  frames: number;
  timer?: NodeJS.Timeout;
  /** captures still running: awaited before rendering */
  pending: Set<Promise<void>>;
}

@injectable()
export class DefaultTimelapseService implements TimelapseService, LifecycleContribution {
  readonly lifecycleName = 'timelapse';
  private readonly captureStart = new Emitter<{ file: string }>();
  private readonly captureDone = new Emitter<{ file: string }>();
  private readonly captureFailed = new Emitter<{ file: string; error: string }>();
  private readonly movieRendering = new Emitter<MovieRef>();
  private readonly movieDone = new Emitter<MovieRef>();
  private readonly movieFailed = new Emitter<MovieFailure>();
  readonly onCaptureStart = this.captureStart.event;
  readonly onCaptureDone = this.captureDone.event;
  readonly onCaptureFailed = this.captureFailed.event;
  readonly onMovieRendering = this.movieRendering.event;
  readonly onMovieDone = this.movieDone.event;
  readonly onMovieFailed = this.movieFailed.event;

  private current: TimelapseConfig;
  private recording: Recording | null = null;
  /** this printer's movies waiting in or going through the host's render queue */
  private readonly renders = new Set<Promise<void>>();
  private readonly subscriptions = new DisposableStore();
  /** the printer's signals are handled one after the other, off the serial path (a print's start finishes before its Z changes) */
  private signals: Promise<void> = Promise.resolve();
  private readonly shutdown = new AbortController();
  private readonly log: Logger;

  constructor(
    @inject(SettingsService) private readonly settings: SettingsService,
    @inject(PrinterService) private readonly printer: PrinterService,
    @inject(Logger) logger: Logger,
    @inject(TestPatternCamera) private readonly testPattern: TestPatternCamera,
    @inject(TimelapseRenderQueue) private readonly queue: TimelapseRenderQueue,
    // each printer's timelapse has its printer's identity (core/printers); a lone one has none
    @inject(PrinterIdentity) @optional() private readonly identity?: PrinterIdentity,
  ) {
    this.log = logger.child({ service: 'timelapse' });
    this.current = this.configured();
  }

  get mode(): TimelapseMode {
    return this.current.type;
  }

  config(): TimelapseConfig {
    return { ...this.current };
  }

  start(): void {
    const printer = this.printer;
    this.subscriptions.add(
      printer.onPrintStarted((file) => {
        // the settings of the moment the print starts: the step may run later (behind a previous print's
        // end), after a change meant for the next print only
        const config = this.config();
        this.inOrder(() => this.begin(file, config));
      }),
    );
    this.subscriptions.add(printer.onCommandSent((sent) => sent.zChange && this.inOrder(() => this.onZChange())));
    this.subscriptions.add(printer.onPrintEnded(({ end }) => this.inOrder(() => this.end(end))));
  }

  private inOrder(step: () => Promise<void> | void): void {
    this.signals = this.signals.then(step).catch((err: unknown) => this.log.error(errorInfo(err), 'timelapse step failed'));
  }

  async stop(): Promise<void> {
    this.subscriptions.dispose();
    await this.signals;
    if (this.recording?.timer) clearInterval(this.recording.timer);
    if (this.recording) this.queue.recordingEnded(this.recording.set);
    this.recording = null;
    this.shutdown.abort();
    await this.renderingIdle();
  }

  async configure(changes: Partial<TimelapseConfig>, save: boolean): Promise<TimelapseConfig> {
    const next = { ...this.current, ...definedOnly(changes) };
    if (!(TIMELAPSE_MODES as readonly string[]).includes(next.type)) throw new TimelapseRequestError(400, `unknown timelapse type "${String(next.type)}"`);
    for (const [key, min] of [['interval', 0.1], ['fps', 1], ['postRoll', 0], ['zchangeDelayMs', 0]] as const) {
      if (typeof next[key] !== 'number' || !Number.isFinite(next[key]) || next[key] < min) {
        throw new TimelapseRequestError(400, `"${key}" must be a number of at least ${min}`);
      }
    }
    next.fps = Math.round(next.fps);
    this.current = next;
    if (save) {
      const { type, interval, fps, postRoll } = next;
      this.settings.of(timelapseSettings).update({ type, interval, fps, postRoll, zchangeDelayMs: Math.round(next.zchangeDelayMs) });
      await this.settings.save();
    }
    return this.config();
  }

  // ---- recording ----

  private async begin(file: JobFile, config: TimelapseConfig): Promise<void> {
    if (this.recording) await this.finish(this.recording, 'failed');
    if (config.type === 'off') return;
    const { set, dir } = await this.claimSet(file.name);
    // marked before the next await: from here no printer's REST may render or delete it
    this.queue.recordingStarted(set);
    try {
      await fs.writeFile(path.join(dir, SET_INFO), JSON.stringify({ gcode: file.name }));
    } catch (err) {
      this.queue.recordingEnded(set);
      throw err;
    }
    const recording: Recording = { set, dir, gcode: file.name, config, frames: 0, pending: new Set() };
    this.recording = recording;
    this.log.info({ set, type: config.type }, 'timelapse recording');
    if (config.type === 'timed') {
      this.capture(recording);
      recording.timer = setInterval(() => this.capture(recording), config.interval * 1000);
    }
  }

  private onZChange(): void {
    const recording = this.recording;
    if (!recording || recording.config.type !== 'zchange') return;
    const delay = recording.config.zchangeDelayMs;
    if (delay <= 0) return this.capture(recording);
    // captured even if the print ends meanwhile: finishing waits for pending captures
    const waiting = new Promise<void>((resolve) => setTimeout(resolve, delay)).then(() => {
      recording.pending.delete(waiting);
      if (!this.shutdown.signal.aborted) this.capture(recording);
    });
    recording.pending.add(waiting);
  }

  private capture(recording: Recording): void {
    const file = path.join(recording.dir, `frame-${String(++recording.frames).padStart(6, '0')}.jpg`);
    const running = this.captureInto(file).finally(() => recording.pending.delete(running));
    recording.pending.add(running);
  }

  private async captureInto(file: string): Promise<void> {
    this.captureStart.fire({ file });
    try {
      await captureFrame(this.frameSource(), file, this.settings.of(webcamSettings).get().snapshotTimeoutMs);
      this.captureDone.fire({ file });
    } catch (err) {
      await fs.rm(file, { force: true });
      this.captureFailed.fire({ file, error: (err as Error).message ?? String(err) });
    }
  }

  private frameSource(): FrameSource {
    // the printer's own camera first (an absolute URL: a path would be this host's, read by no one here)
    const own = shownCamera(this.identity?.entry)?.snapshotUrl;
    if (own && /^https?:\/\//i.test(own)) return { kind: 'url', url: own };
    const webcam = this.settings.of(webcamSettings).get();
    const argv = webcam.snapshotCommand;
    if (argv.length > 0) return { kind: 'command', argv: argv.map(String) };
    const url = webcam.snapshotUrl || this.testPattern.url();
    if (!url) throw new Error('no camera: set webcam.snapshotUrl or webcam.snapshotCommand');
    return { kind: 'url', url };
  }

  private async end(kind: PrintEndKind): Promise<void> {
    const recording = this.recording;
    if (recording) await this.finish(recording, kind);
  }

  private async finish(recording: Recording, kind: PrintEndKind): Promise<void> {
    if (recording.timer) clearInterval(recording.timer);
    if (this.recording === recording) this.recording = null;
    // the set stays "recording" until its last frame is written: a set listed, rendered or deleted
    // meanwhile would miss the frame a slow camera was still taking when the print ended
    while (recording.pending.size > 0) await Promise.allSettled([...recording.pending]);
    this.queue.recordingEnded(recording.set);
    const { renderOn } = this.settings.of(timelapseSettings).get();
    if (renderOn.includes(kind)) this.queueRender(recording.set, recording.gcode, recording.config);
    else this.log.info({ set: recording.set, kind }, 'timelapse left unrendered');
  }

  // ---- rendering ----

  private queueRender(set: string, gcode: string, config: TimelapseConfig): void {
    if (this.shutdown.signal.aborted || this.queue.has(set)) return;
    // a printer that stops meanwhile leaves its set unrendered (the aborted signal ends ffmpeg at once)
    const job = this.queue.run(set, () => (this.shutdown.signal.aborted ? Promise.resolve() : this.renderSet(set, gcode, config)));
    this.renders.add(job);
    void job.finally(() => this.renders.delete(job));
  }

  private async renderSet(set: string, gcode: string, config: TimelapseConfig): Promise<void> {
    const dir = path.join(this.settings.folder('timelapseTmp'), set);
    const movie = path.join(this.settings.folder('timelapse'), `${set}${MOVIE_EXT}`);
    const ref: MovieRef = { gcode, movie, movie_basename: path.basename(movie) };
    this.movieRendering.fire(ref);
    const { ffmpeg, bitrate, watermark, threads, nice } = this.settings.of(timelapseSettings).get();
    try {
      const result = await renderMovie(dir, movie, {
        ffmpeg,
        fps: config.fps,
        postRoll: config.postRoll,
        bitrate,
        watermark,
        threads,
        nice,
        signal: this.shutdown.signal,
      });
      if (result.ok) {
        await fs.rm(dir, { recursive: true, force: true });
        this.movieDone.fire(ref);
        return;
      }
      if (result.reason === 'no_frames') await fs.rm(dir, { recursive: true, force: true });
      this.log.warn({ set, reason: result.reason, returncode: result.returncode, message: result.message }, 'timelapse rendering failed');
      this.movieFailed.fire({ ...ref, returncode: result.returncode, reason: result.reason });
    } catch (err) {
      this.log.error({ set, ...errorInfo(err) }, 'timelapse rendering failed');
      this.movieFailed.fire({ ...ref, returncode: null, reason: 'unknown' });
    }
  }

  async renderingIdle(): Promise<void> {
    while (this.renders.size > 0) await Promise.all([...this.renders]);
  }

  async render(name: string): Promise<void> {
    const dir = await this.setDir(name);
    if (this.queue.isRecording(name)) throw new TimelapseRequestError(409, `"${name}" is still being recorded`);
    if (this.queue.has(name)) throw new TimelapseRequestError(409, `"${name}" is already being rendered`);
    this.queueRender(name, await gcodeOf(dir, name), this.config());
  }

  async deleteUnrendered(name: string): Promise<void> {
    const dir = await this.setDir(name);
    if (this.queue.isRecording(name) || this.queue.has(name)) throw new TimelapseRequestError(409, `"${name}" is being recorded or rendered`);
    await fs.rm(dir, { recursive: true, force: true });
  }

  async unrendered(): Promise<UnrenderedTimelapse[]> {
    const root = this.settings.folder('timelapseTmp');
    const names = (await fs.readdir(root, { withFileTypes: true }).catch(() => [])).filter((d) => d.isDirectory() && NAME_PATTERN.test(d.name));
    const sets = await Promise.all(
      names.map(async ({ name }) => {
        const dir = path.join(root, name);
        const frames = await listFrames(dir);
        const stats = await Promise.all(frames.map((f) => fs.stat(path.join(dir, f)).catch(() => null)));
        const dirStat = await fs.stat(dir);
        return {
          name,
          gcode: await gcodeOf(dir, name),
          frames: frames.length,
          bytes: stats.reduce((sum, s) => sum + (s?.size ?? 0), 0),
          date: Math.floor(Math.max(dirStat.mtimeMs, ...stats.map((s) => s?.mtimeMs ?? 0)) / 1000),
          recording: this.queue.isRecording(name),
          rendering: this.queue.has(name),
        };
      }),
    );
    return sets.sort((a, b) => a.date - b.date || a.name.localeCompare(b.name));
  }

  // ---- movies ----

  async movies(): Promise<TimelapseMovie[]> {
    const root = this.settings.folder('timelapse');
    const entries = await fs.readdir(root, { withFileTypes: true }).catch(() => []);
    const movies = await Promise.all(
      entries
        .filter((e) => e.isFile() && e.name.endsWith(MOVIE_EXT) && !e.name.endsWith(`.part${MOVIE_EXT}`))
        .map(async (e) => {
          const stat = await fs.stat(path.join(root, e.name));
          return { name: e.name, bytes: stat.size, date: Math.floor(stat.mtimeMs / 1000) };
        }),
    );
    return movies.sort((a, b) => b.date - a.date || a.name.localeCompare(b.name));
  }

  async moviePath(name: string): Promise<string> {
    if (!NAME_PATTERN.test(name) || !name.endsWith(MOVIE_EXT) || name.includes('..')) throw new TimelapseRequestError(404, `no timelapse "${name}"`);
    const file = path.join(this.settings.folder('timelapse'), name);
    const stat = await fs.stat(file).catch(() => null);
    if (!stat?.isFile()) throw new TimelapseRequestError(404, `no timelapse "${name}"`);
    return file;
  }

  async deleteMovie(name: string): Promise<void> {
    await fs.rm(await this.moviePath(name), { force: true });
  }

  // ---- helpers ----

  private configured(): TimelapseConfig {
    const { type, interval, zchangeDelayMs, fps, postRoll } = this.settings.of(timelapseSettings).get();
    return { type, interval, zchangeDelayMs, fps, postRoll };
  }

  private async setDir(name: string): Promise<string> {
    if (!NAME_PATTERN.test(name) || name.includes('..')) throw new TimelapseRequestError(404, `no unrendered timelapse "${name}"`);
    const dir = path.join(this.settings.folder('timelapseTmp'), name);
    const stat = await fs.stat(dir).catch(() => null);
    if (!stat?.isDirectory()) throw new TimelapseRequestError(404, `no unrendered timelapse "${name}"`);
    return dir;
  }

  /**
   * A new set `<gcode name without extension>_<UTC timestamp>` (safe as a file name), its folder made:
   * mkdir is the claim, so two printers starting the same file in the same second get two sets.
   */
  private async claimSet(gcode: string): Promise<{ set: string; dir: string }> {
    const base = (gcode.replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[^A-Za-z0-9]+/, '') || 'print').slice(0, 150);
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '').slice(0, 14);
    const root = this.settings.folder('timelapseTmp');
    for (let n = 0; ; n++) {
      const set = n === 0 ? `${base}_${stamp}` : `${base}_${stamp}-${n}`;
      if (await fs.stat(path.join(this.settings.folder('timelapse'), `${set}${MOVIE_EXT}`)).catch(() => null)) continue;
      const dir = path.join(root, set);
      try {
        await fs.mkdir(dir);
        return { set, dir };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
  }
}

async function gcodeOf(dir: string, fallback: string): Promise<string> {
  try {
    const info = JSON.parse(await fs.readFile(path.join(dir, SET_INFO), 'utf8')) as { gcode?: unknown };
    return typeof info.gcode === 'string' ? info.gcode : fallback;
  } catch {
    return fallback;
  }
}

function definedOnly<T extends object>(changes: Partial<T>): Partial<T> {
  return Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) as Partial<T>;
}
