/**
 * Printing category: turns the PrinterService's job signals into the spec's events (PrintStarted,
 * PrintFailed, PrintDone, PrintCancelled, PrintPaused, PrintResumed) with `name`, `path`, `origin`
 * and the deprecated `file` and `filename`, positions on pause and cancel; and adds the custom
 * event `plugin_printing_events_PrintProgress` every `progressStep` percent.
 * Every printer of the registry is watched; every event carries `printer`.
 * Core-owned: it fires catalogue events through the host's EventBus, which is no part of the public API;
 * the rest comes from 'cuttle'.
 */
import { DisposableStore, inject, definePlugin, Plugin, PluginContext, PrinterRegistry, type JobFile, type JobProgress } from 'cuttle';
import { EventBus } from '../../core/events/event-bus.js';
import { jobFileRef } from '../../core/printer/file-ref.js';
import { type Position } from '../../core/events/catalogue.js';


const withPosition = (position: Position | null | undefined) => (position ? { position } : {});

const info = definePlugin({
  id: 'printing-events',
  name: 'Printing events',
  version: '1.0.0',
  description: 'Fires the Printing events for print start, pause, resume, cancel, failure and completion, and PrintProgress.',
  settings: {
    progressStep: { doc: 'fire PrintProgress each time completion crosses a multiple of this many percent (0: never)', format: 'nat', default: 10 },
  },
  events: ['PrintProgress'],
});

@Plugin(info)
export class PrintingEventsPlugin {
  constructor(
    @inject(PluginContext) private readonly ctx: PluginContext<typeof info>,
    @inject(EventBus) bus: EventBus,
    @inject(PrinterRegistry) printers: PrinterRegistry,
  ) {
    ctx.subscriptions.add(
      printers.forEach(({ id: printer, printer: service }) => {
        /** the last PrintProgress step fired for this printer's job */
        const progress = { lastStep: -1 };
        const on = new DisposableStore();
        on.add(
          service.onPrintStarted((file) => {
            progress.lastStep = -1;
            bus.fire('PrintStarted', { ...jobFileRef(file), printer });
          }),
        );
        on.add(service.onPrintPaused(({ file, position }) => bus.fire('PrintPaused', { ...jobFileRef(file), ...withPosition(position), printer })));
        on.add(service.onPrintResumed((file) => bus.fire('PrintResumed', { ...jobFileRef(file), printer })));
        on.add(
          service.onPrintEnded(({ file, end, time, reason, position }) => {
            const ref = jobFileRef(file);
            if (end === 'done') bus.fire('PrintDone', { ...ref, time, printer });
            else if (end === 'cancelled') bus.fire('PrintCancelled', { ...ref, ...withPosition(position), printer });
            else bus.fire('PrintFailed', { ...ref, time, ...(reason ? { reason } : {}), printer });
          }),
        );
        on.add(service.onProgress(({ file, progress: now }) => this.progress(printer, progress, file, now)));
        return on;
      }),
    );
  }

  private progress(printer: string, state: { lastStep: number }, file: JobFile, progress: JobProgress): void {
    const { progressStep } = this.ctx.settings.get();
    if (!progressStep || progress.completion === null) return;
    const step = Math.floor(progress.completion / progressStep);
    if (step === state.lastStep) return;
    state.lastStep = step;
    this.ctx.fire('PrintProgress', {
      ...jobFileRef(file),
      progress: step * progressStep,
      completion: progress.completion,
      printTime: progress.printTime,
      printTimeLeft: progress.printTimeLeft,
      printer,
    });
  }
}
