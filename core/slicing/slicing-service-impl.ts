/**
 * The slicing service: a registry of slicer plugins, slicing jobs (one per target G-code: a second job
 * for the same G-code cancels the first), and the profile store. Jobs slice into a temporary file, then
 * hand the G-code to the FileManager (FileAdded, analysis) and select or print it if asked.
 * The slicing-events plugin turns the signals below into the catalogue's Slicing events.
 */
import { createReadStream, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject, injectable } from 'inversify';
import { Disposable } from '../common/disposable.js';
import { Emitter } from '../common/event.js';
import type { LifecycleContribution } from '../common/lifecycle.js';
import type { SlicingProfileRef, SlicingRef } from '../events/catalogue.js';
import { FileManager } from '../files/file-manager.js';
import { normaliseFilePath, typePathOf } from '../files/paths.js';
import { errorInfo, Logger } from '../logging/logger.js';
import { anyPrinterBusyWith, beingPrinted } from '../files/job-guard.js';
import { PrinterList } from '../printer/printer-list.js';
import { SettingsService } from '../settings/settings-service.js';
import { serializeIni } from './ini.js';
import { ProfileStore } from './profile-store.js';
import { slicingSettings } from './settings.js';
import {
  SlicingError,
  SlicingRequestError,
  type SliceOutcome,
  type SliceRequest,
  type SlicerDescriptor,
  type SlicerPlugin,
  type SlicingProfile,
  type SlicingProfileInfo,
  type SlicingProfileInput,
  type SlicingService,
} from './slicing-service.js';

interface RunningJob {
  ref: SlicingRef;
  controller: AbortController;
  cancelled: boolean;
}

@injectable()
export class DefaultSlicingService implements SlicingService, LifecycleContribution {
  readonly lifecycleName = 'slicing';
  private readonly registry = new Map<string, SlicerPlugin>();
  /** running jobs by target G-code path */
  private readonly jobs = new Map<string, RunningJob>();
  private readonly store: ProfileStore;
  private readonly log: Logger;

  private readonly started = new Emitter<SlicingRef & { progressAvailable: boolean }>();
  private readonly progress = new Emitter<SlicingRef & { slicer: string; progress: number }>();
  private readonly done = new Emitter<SlicingRef & { time: number }>();
  private readonly cancelled = new Emitter<SlicingRef>();
  private readonly failed = new Emitter<SlicingRef & { reason: string }>();
  private readonly profileAdded = new Emitter<SlicingProfileRef>();
  private readonly profileModified = new Emitter<SlicingProfileRef>();
  private readonly profileDeleted = new Emitter<SlicingProfileRef>();

  readonly onStarted = this.started.event;
  readonly onProgress = this.progress.event;
  readonly onDone = this.done.event;
  readonly onCancelled = this.cancelled.event;
  readonly onFailed = this.failed.event;
  readonly onProfileAdded = this.profileAdded.event;
  readonly onProfileModified = this.profileModified.event;
  readonly onProfileDeleted = this.profileDeleted.event;

  constructor(
    @inject(SettingsService) private readonly settings: SettingsService,
    @inject(Logger) logger: Logger,
    @inject(FileManager) private readonly files: FileManager,
    @inject(PrinterList) private readonly printers: PrinterList,
  ) {
    this.log = logger.child({ service: 'slicing' });
    this.store = new ProfileStore(settings.folder('slicingProfiles'));
  }


  /** Stops running slicers; their jobs fail with the reason. */
  stop(): void {
    for (const job of this.jobs.values()) job.controller.abort(new SlicingError('cuttle is shutting down'));
  }

  registerSlicer(slicer: SlicerPlugin): Disposable {
    if (this.registry.has(slicer.id)) throw new Error(`a slicer "${slicer.id}" is already registered`);
    this.registry.set(slicer.id, slicer);
    return Disposable.create(() => {
      if (this.registry.get(slicer.id) === slicer) this.registry.delete(slicer.id);
    });
  }

  slicers(): readonly SlicerDescriptor[] {
    return [...this.registry.values()];
  }

  slicer(id: string): SlicerPlugin | undefined {
    return this.registry.get(id);
  }

  async slice(request: SliceRequest): Promise<{ ref: SlicingRef; done: Promise<SliceOutcome> }> {
    const config = this.settings.of(slicingSettings).get();
    if (!config.enabled) throw new SlicingRequestError(409, 'slicing is disabled (slicing.enabled)');
    const slicer = this.requireSlicer(request.slicer ?? config.defaultSlicer);
    const unavailable = await slicer.unavailableReason();
    if (unavailable) throw new SlicingRequestError(409, `slicer "${slicer.id}" is unavailable: ${unavailable}`);
    if (request.origin !== 'local') throw new SlicingRequestError(400, 'only files in local storage can be sliced');
    const model = await this.files.get('local', request.path);
    if (!model || model.kind !== 'file') throw new SlicingRequestError(404, `no file "${request.path}" in local storage`);
    if (model.typePath[0] !== 'model') throw new SlicingRequestError(400, `"${model.path}" is not a model and cannot be sliced`);
    const gcode = targetPath(model.path, request.gcode);
    if (anyPrinterBusyWith(this.printers, 'local', gcode)) throw new SlicingRequestError(409, beingPrinted(gcode, false));
    const profileFiles = await this.profileFiles(slicer, request.profile);

    const ref: SlicingRef = { stl: model.path, stl_location: 'local', gcode, gcode_location: 'local' };
    const previous = this.jobs.get(gcode);
    if (previous) this.cancel(previous);
    const job: RunningJob = { ref, controller: new AbortController(), cancelled: false };
    this.jobs.set(gcode, job);
    this.started.fire({ ...ref, progressAvailable: slicer.progressAvailable });
    const done = this.run(slicer, job, request, this.files.diskPath(model.path), profileFiles);
    return { ref, done };
  }

  private cancel(job: RunningJob): void {
    job.cancelled = true;
    job.controller.abort(new SlicingError('cancelled'));
    if (this.jobs.get(job.ref.gcode) === job) this.jobs.delete(job.ref.gcode);
    this.cancelled.fire(job.ref);
  }

  private async run(slicer: SlicerPlugin, job: RunningJob, request: SliceRequest, model: string, profileFiles: string[]): Promise<SliceOutcome> {
    const begin = performance.now();
    const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'cuttle-slice-'));
    const { timeoutSec } = this.settings.of(slicingSettings).get();
    const timeout = setTimeout(
      () => job.controller.abort(new SlicingError(`slicing took longer than ${timeoutSec} s`)),
      timeoutSec * 1000,
    );
    let lastProgress = -1;
    try {
      const overrides = request.overrides ?? {};
      if (Object.keys(overrides).length > 0) {
        const file = path.join(workDir, `overrides.${slicer.profileExtension}`);
        await fs.writeFile(file, serializeIni(overrides));
        profileFiles = [...profileFiles, file];
      }
      const output = path.join(workDir, 'output.gcode');
      await slicer.slice({
        model,
        output,
        profileFiles,
        overrides,
        position: request.position,
        signal: job.controller.signal,
        onProgress: (percent) => {
          const rounded = Math.max(0, Math.min(100, Math.round(percent)));
          if (job.cancelled || rounded <= lastProgress) return;
          lastProgress = rounded;
          this.progress.fire({ ...job.ref, slicer: slicer.id, progress: rounded });
        },
      });
      if (job.cancelled) return { ...job.ref, result: 'cancelled' };
      await this.files.addFile('local', job.ref.gcode, createReadStream(output), { overwrite: true });
      if (job.cancelled) return { ...job.ref, result: 'cancelled' };
      this.jobs.delete(job.ref.gcode);
      const time = (performance.now() - begin) / 1000;
      this.done.fire({ ...job.ref, time });
      await this.selectIfAsked(job.ref.gcode, request);
      return { ...job.ref, result: 'done', time };
    } catch (err) {
      if (job.cancelled) return { ...job.ref, result: 'cancelled' };
      if (this.jobs.get(job.ref.gcode) === job) this.jobs.delete(job.ref.gcode);
      const reason = job.controller.signal.aborted ? String((job.controller.signal.reason as Error)?.message) : failureReason(err);
      this.log.warn({ ...job.ref, reason }, 'slicing failed');
      this.failed.fire({ ...job.ref, reason });
      return { ...job.ref, result: 'failed', reason };
    } finally {
      clearTimeout(timeout);
      await fs.rm(workDir, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  private async selectIfAsked(gcode: string, request: SliceRequest): Promise<void> {
    if (!(request.select || request.print)) return;
    try {
      const printer = request.printer ?? this.printers.first()?.printer;
      if (!printer) throw new Error('the host has no printer');
      await printer.selectFile(await this.files.jobFile('local', gcode), request.print === true);
    } catch (err) {
      this.log.warn({ gcode, ...errorInfo(err) }, 'could not select/print the sliced file');
    }
  }

  private async profileFiles(slicer: SlicerPlugin, key: string | undefined): Promise<string[]> {
    const chosen = key ?? (await this.store.defaultKey(slicer.id));
    if (!chosen) return [];
    const file = await this.store.file(slicer.id, chosen, slicer.profileExtension);
    if (!file) throw new SlicingRequestError(404, `no profile "${chosen}" for slicer "${slicer.id}"`);
    return [file];
  }

  private requireSlicer(id: string): SlicerPlugin {
    const slicer = this.registry.get(id);
    if (!slicer) throw new SlicingRequestError(404, `unknown slicer "${id}"`);
    return slicer;
  }

  // ---- profiles ----

  async profiles(slicer: string): Promise<SlicingProfileInfo[]> {
    return this.store.list(slicer, this.requireSlicer(slicer).profileExtension);
  }

  async profile(slicer: string, key: string): Promise<SlicingProfile> {
    return this.store.get(slicer, key, this.requireSlicer(slicer).profileExtension);
  }

  async putProfile(slicer: string, key: string, input: SlicingProfileInput): Promise<{ profile: SlicingProfile; created: boolean }> {
    const ext = this.requireSlicer(slicer).profileExtension;
    const created = await this.store.put(slicer, key, ext, input, false);
    (created ? this.profileAdded : this.profileModified).fire({ slicer, profile: key });
    return { profile: await this.store.get(slicer, key, ext), created };
  }

  async patchProfile(slicer: string, key: string, input: SlicingProfileInput): Promise<SlicingProfile> {
    const ext = this.requireSlicer(slicer).profileExtension;
    await this.store.put(slicer, key, ext, input, true);
    this.profileModified.fire({ slicer, profile: key });
    return this.store.get(slicer, key, ext);
  }

  async deleteProfile(slicer: string, key: string): Promise<void> {
    await this.store.remove(slicer, key, this.requireSlicer(slicer).profileExtension);
    this.profileDeleted.fire({ slicer, profile: key });
  }
}

/** The requested G-code path (a bare name goes into the model's folder), or the model's path with `.gcode`. */
function targetPath(modelPath: string, requested: string | undefined): string {
  const wanted = (requested ?? '').trim();
  if (!wanted) return modelPath.replace(/\.[^./]+$/, '') + '.gcode';
  const folder = path.posix.dirname(modelPath);
  const inFolder = wanted.includes('/') || folder === '.' ? wanted : `${folder}/${wanted}`;
  // refuses `..`, absolute and hidden paths with a 400
  const target = normaliseFilePath(inFolder.replace(/^\/+/, ''));
  return typePathOf(target)?.[0] === 'machinecode' ? target : `${target}.gcode`;
}

function failureReason(err: unknown): string {
  if (err instanceof SlicingError) return err.message;
  return err instanceof Error ? err.message : String(err);
}
