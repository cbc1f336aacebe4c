/**
 * Fires the catalogue's Timelapse events (CaptureStart/Done/Failed, MovieRendering/Done/Failed) on the
 * bus for the timelapse service's signals, for every printer (each has its own timelapse), each event
 * with that printer's `printer` id.
 */
import { DisposableStore, inject, OnStartup, Plugin, PluginContext, PrinterRegistry } from 'cuttle';
import { EventBus } from '../../core/events/event-bus.js';

@Plugin({
  id: 'timelapse-events',
  name: 'Timelapse events',
  version: '1.0.0',
  description: 'Fires the Timelapse events of the event catalogue for frame captures and movie rendering.',
})
export class TimelapseEventsPlugin {
  constructor(
    @inject(PluginContext) private readonly ctx: PluginContext,
    @inject(PrinterRegistry) private readonly printers: PrinterRegistry,
    @inject(EventBus) private readonly bus: EventBus,
  ) {}

  @OnStartup()
  subscribe(): void {
    const { bus } = this;
    this.ctx.subscriptions.add(
      this.printers.forEach(({ id: printer, timelapse }) => {
        const subs = new DisposableStore();
        subs.add(timelapse.onCaptureStart((e) => bus.fire('CaptureStart', { ...e, printer })));
        subs.add(timelapse.onCaptureDone((e) => bus.fire('CaptureDone', { ...e, printer })));
        subs.add(timelapse.onCaptureFailed((e) => bus.fire('CaptureFailed', { ...e, printer })));
        subs.add(timelapse.onMovieRendering((e) => bus.fire('MovieRendering', { ...e, printer })));
        subs.add(timelapse.onMovieDone((e) => bus.fire('MovieDone', { ...e, printer })));
        subs.add(timelapse.onMovieFailed((e) => bus.fire('MovieFailed', { ...e, printer })));
        return subs;
      }),
    );
  }
}
