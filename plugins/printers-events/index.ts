/**
 * Printers category (cuttle's own): turns the printer registry's signals into PrinterAdded and
 * PrinterRemoved (`{ id, name }`) when printers are added to or removed from the running host.
 * PrinterRemoved comes after the removed printer's own last events (PrintFailed, Disconnected).
 * Written with the public plugin API only.
 */
import { EventBus, inject, Plugin, PluginContext, PrinterRegistry, type PrinterScope } from 'cuttle';

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
