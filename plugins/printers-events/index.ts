/**
 * Printers category (cuttle's own): turns the printer registry's signals into PrinterAdded and
 * PrinterRemoved (`{ id, name }`) when printers are added to or removed from the running host.
 * PrinterRemoved comes after the removed printer's own last events (PrintFailed, Disconnected).
 * Core-owned: it fires catalogue events through the host's EventBus, which is no part of the public API;
 * the rest comes from 'cuttle'.
 */
import { inject, Plugin, PluginContext, PrinterRegistry, type PrinterScope } from 'cuttle';
import { EventBus } from '../../core/events/event-bus.js';

const ref = (scope: PrinterScope) => ({ id: scope.id, name: scope.entry.name });

@Plugin({
  id: 'printers-events',
  name: 'Printers events',
  version: '1.0.0',
  description: 'Fires PrinterAdded and PrinterRemoved when printers are added to or removed from the host while it runs.',
})
export class PrintersEventsPlugin {
  constructor(
    @inject(PluginContext) ctx: PluginContext,
    @inject(EventBus) bus: EventBus,
    @inject(PrinterRegistry) registry: PrinterRegistry,
  ) {
    ctx.subscriptions.add(registry.onDidAdd((scope) => bus.fire('PrinterAdded', ref(scope))));
    ctx.subscriptions.add(registry.onDidRemove((scope) => bus.fire('PrinterRemoved', ref(scope))));
  }
}
