/**
 * Schedules the G-code analysis of local files in the worker thread (analysis/analysis-queue.ts) with
 * the configured machine limits, stores each result in the folder's metadata (with the slicer's
 * thumbnails, extracted beside the file: thumbnails.ts), and signals start,
 * progress and end. At start it queues the files that have no analysis yet.
 */
import fs from 'node:fs';
import path from 'node:path';
import { errorInfo, type Logger } from '../logging/logger.js';
import type { SettingsService } from '../settings/settings-service.js';
import { AnalysisQueue } from './analysis/analysis-queue.js';
import type { AnalyserOptions } from './analysis/gcode-analyser.js';
import type { AnalysisSignal, FileSignals } from './file-signals.js';
import type { MetadataStore } from './metadata-store.js';
import { baseName } from './paths.js';
import { filesSettings } from './settings.js';
import { extractThumbnails } from './thumbnails.js';

export class AnalysisScheduler {
  private readonly queue = new AnalysisQueue();

  constructor(
    private readonly settings: SettingsService,
    private readonly metadata: MetadataStore,
    private readonly signals: FileSignals,
    private readonly log: Logger,
  ) {}

  /** Queues `abs` (local path `rel`) unless analysis is turned off. */
  analyse(rel: string, abs: string): void {
    const { analysis } = this.settings.of(filesSettings).get();
    if (!analysis.enabled) return;
    const signal: AnalysisSignal = { origin: 'local', path: rel, name: baseName(rel) };
    this.queue
      .analyse({
        file: abs,
        options: this.analyserOptions(),
        progressIntervalMs: analysis.progressIntervalMs,
        onStart: () => this.signals.analysisStarted.fire(signal),
        onProgress: (done, total) => this.signals.analysisProgress.fire({ ...signal, progress: total > 0 ? done / total : 1 }),
      })
      .then(async (result) => {
        const stat = await fs.promises.stat(abs).catch(() => null);
        if (!stat) return;
        const thumbnails = await extractThumbnails(abs).catch((err: unknown) => {
          this.log.warn({ path: rel, ...errorInfo(err) }, 'could not extract the thumbnails');
          return [];
        });
        await this.metadata.update(path.dirname(abs), signal.name, (m) => ({ ...m, analysis: result, analysed: { size: stat.size, mtimeMs: stat.mtimeMs }, thumbnails }));
        this.signals.analysisFinished.fire({ ...signal, result });
      })
      .catch((err: unknown) => {
        if ((err as Error)?.message !== 'analysis queue stopped') this.log.warn({ path: rel, ...errorInfo(err) }, 'analysis failed');
      });
  }

  dispose(): Promise<void> {
    return this.queue.dispose();
  }

  private analyserOptions(): AnalyserOptions {
    const { analysis: a, filamentDiameter } = this.settings.of(filesSettings).get();
    return {
      filamentDiameter,
      limits: {
        printAcceleration: a.printAcceleration,
        travelAcceleration: a.travelAcceleration,
        retractAcceleration: a.retractAcceleration,
        junctionDeviation: a.junctionDeviation,
        defaultFeedrate: a.defaultFeedrate,
        maxFeedrate: { ...a.maxFeedrate },
        maxAcceleration: { ...a.maxAcceleration },
      },
    };
  }
}
