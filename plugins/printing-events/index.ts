/**
 * Printing category: turns the PrinterService's job signals into the spec's events (PrintStarted,
 * PrintFailed, PrintDone, PrintCancelled, PrintPaused, PrintResumed) with `name`, `path`, `origin`
 * and the deprecated `file` and `filename`, positions on pause and cancel; and adds the custom
 * event `plugin_printing_events_PrintProgress` every `progressStep` percent.
 * Written with the public plugin API only.
 */
import { EventBus, inject, jobFileRef, Plugin, PluginContext, PrinterService, type JobFile, type JobProgress, type PluginSettingsSchema, type Position } from 'cuttle';

interface Settings {
  /** fire PrintProgress each time completion crosses a multiple of this many percent (0: never) */
  progressStep: number;
}

const withPosition = (position: Position | null | undefined) => (position ? { position } : {});

@Plugin({
  id: 'printing-events',
  name: 'Printing events',
  version: '1.0.0',
  description: 'Fires the Printing events for print start, pause, resume, cancel, failure and completion, and PrintProgress.',
  settings: {
    progressStep: { doc: 'fire PrintProgress each time completion crosses a multiple of this many percent (0: never)', format: 'nat', default: 10 },
  } satisfies PluginSettingsSchema<Settings>,
  events: ['PrintProgress'],
})
export class PrintingEventsPlugin {
  private lastStep = -1;

  constructor(
    @inject(PluginContext) private readonly ctx: PluginContext,
    @inject(EventBus) bus: EventBus,
    @inject(PrinterService) printer: PrinterService,
  ) {
    const on = ctx.subscriptions;
    on.add(
      printer.onPrintStarted((file) => {
        this.lastStep = -1;
        bus.fire('PrintStarted', jobFileRef(file));
      }),
    );
    on.add(printer.onPrintPaused(({ file, position }) => bus.fire('PrintPaused', { ...jobFileRef(file), ...withPosition(position) })));
    on.add(printer.onPrintResumed((file) => bus.fire('PrintResumed', jobFileRef(file))));
    on.add(
      printer.onPrintEnded(({ file, end, time, reason, position }) => {
        const ref = jobFileRef(file);
        if (end === 'done') bus.fire('PrintDone', { ...ref, time });
        else if (end === 'cancelled') bus.fire('PrintCancelled', { ...ref, ...withPosition(position) });
        else bus.fire('PrintFailed', { ...ref, time, ...(reason ? { reason } : {}) });
      }),
    );
    on.add(printer.onProgress(({ file, progress }) => this.progress(file, progress)));
  }

  private progress(file: JobFile, progress: JobProgress): void {
    const { progressStep } = this.ctx.settings.get<Settings>();
    if (!progressStep || progress.completion === null) return;
    const step = Math.floor(progress.completion / progressStep);
    if (step === this.lastStep) return;
    this.lastStep = step;
    this.ctx.fire('PrintProgress', {
      ...jobFileRef(file),
      progress: step * progressStep,
      completion: progress.completion,
      printTime: progress.printTime,
      printTimeLeft: progress.printTimeLeft,
    });
  }
}
