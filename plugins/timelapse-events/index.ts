/**
 * Fires the catalogue's Timelapse events (CaptureStart/Done/Failed, MovieRendering/Done/Failed) on the
 * bus for the timelapse service's signals.
 */
import { EventBus, inject, OnStartup, Plugin, PluginContext, TimelapseService } from 'cuttle';

@Plugin({
  id: 'timelapse-events',
  name: 'Timelapse events',
  version: '1.0.0',
  description: 'Fires the Timelapse events of the event catalogue for frame captures and movie rendering.',
})
export class TimelapseEventsPlugin {
  constructor(
    @inject(PluginContext) private readonly ctx: PluginContext,
    @inject(TimelapseService) private readonly timelapse: TimelapseService,
    @inject(EventBus) private readonly bus: EventBus,
  ) {}

  @OnStartup()
  subscribe(): void {
    const { timelapse, bus } = this;
    const subs = this.ctx.subscriptions;
    subs.add(timelapse.onCaptureStart((e) => bus.fire('CaptureStart', e)));
    subs.add(timelapse.onCaptureDone((e) => bus.fire('CaptureDone', e)));
    subs.add(timelapse.onCaptureFailed((e) => bus.fire('CaptureFailed', e)));
    subs.add(timelapse.onMovieRendering((e) => bus.fire('MovieRendering', e)));
    subs.add(timelapse.onMovieDone((e) => bus.fire('MovieDone', e)));
    subs.add(timelapse.onMovieFailed((e) => bus.fire('MovieFailed', e)));
  }
}
