/**
 * Fires the catalogue's Slicing events (SlicingStarted/Done/Cancelled/Failed, SlicingProfileAdded/
 * Modified/Deleted) on the bus for the slicing service's signals. Progress is not an event: the push
 * channel sends it as `slicingProgress` from SlicingService.onProgress.
 */
import { inject, OnStartup, Plugin, PluginContext, SlicingService } from 'cuttle';
import { EventBus } from '../../core/events/event-bus.js';

@Plugin({
  id: 'slicing-events',
  name: 'Slicing events',
  version: '1.0.0',
  description: 'Fires the Slicing events of the event catalogue for slicing jobs and profile changes.',
})
export class SlicingEventsPlugin {
  constructor(
    @inject(PluginContext) private readonly ctx: PluginContext,
    @inject(SlicingService) private readonly slicing: SlicingService,
    @inject(EventBus) private readonly bus: EventBus,
  ) {}

  @OnStartup()
  subscribe(): void {
    const { slicing, bus } = this;
    const subs = this.ctx.subscriptions;
    subs.add(slicing.onStarted((e) => bus.fire('SlicingStarted', e)));
    subs.add(slicing.onDone((e) => bus.fire('SlicingDone', e)));
    subs.add(slicing.onCancelled((e) => bus.fire('SlicingCancelled', e)));
    subs.add(slicing.onFailed((e) => bus.fire('SlicingFailed', e)));
    subs.add(slicing.onProfileAdded((e) => bus.fire('SlicingProfileAdded', e)));
    subs.add(slicing.onProfileModified((e) => bus.fire('SlicingProfileModified', e)));
    subs.add(slicing.onProfileDeleted((e) => bus.fire('SlicingProfileDeleted', e)));
  }
}
