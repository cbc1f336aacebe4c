/**
 * Printer-communication category: turns the PrinterService's connection and state signals into the
 * spec's events (Connecting, Connected, Disconnecting, Disconnected, Error, PrinterStateChanged),
 * and adds the custom event `plugin_printer_events_TemperatureReached` when a heater reaches its
 * target (within `tolerance` degrees), which users keep asking OctoPrint for.
 * Every printer of the registry is watched, each with its own heaters; every event carries `printer`.
 * Core-owned: it fires catalogue events through the host's EventBus, which is no part of the public API;
 * the rest comes from 'cuttle'.
 */
import { DisposableStore, inject, definePlugin, Plugin, PluginContext, PrinterRegistry, type TemperatureSample } from 'cuttle';
import { EventBus } from '../../core/events/event-bus.js';

interface HeaterTarget {
  target: number;
  reached: boolean;
}


function nonNegative(unit: string): (value: unknown) => void {
  return (value) => {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new Error(`must be a number of ${unit}, 0 or more`);
  };
}

const info = definePlugin({
  id: 'printer-events',
  name: 'Printer-communication events',
  version: '1.0.0',
  description: 'Fires the Printer-communication events for connection and state changes, and TemperatureReached.',
  settings: {
    tolerance: { doc: 'degrees from the target that count as reached', format: nonNegative('degrees'), default: 1 },
  },
  events: ['TemperatureReached'],
});

@Plugin(info)
export class PrinterEventsPlugin {
  constructor(
    @inject(PluginContext) private readonly ctx: PluginContext<typeof info>,
    @inject(EventBus) bus: EventBus,
    @inject(PrinterRegistry) printers: PrinterRegistry,
  ) {
    ctx.subscriptions.add(
      printers.forEach(({ id: printer, printer: service }) => {
        /** per heater of this printer: the target last seen and whether it was reached already */
        const heaters = new Map<string, HeaterTarget>();
        const on = new DisposableStore();
        on.add(service.onConnecting(() => bus.fire('Connecting', { printer })));
        on.add(service.onConnected(({ port, baudrate }) => bus.fire('Connected', { port, baudrate, printer })));
        on.add(service.onDisconnecting(() => bus.fire('Disconnecting', { printer })));
        on.add(service.onDisconnected(() => bus.fire('Disconnected', { printer })));
        on.add(service.onError(({ error }) => bus.fire('Error', { error, printer })));
        on.add(service.onStateChanged((state) => bus.fire('PrinterStateChanged', { state_id: state.id, state_string: state.text, printer })));
        on.add(service.onTemperature((sample) => this.checkTargets(printer, heaters, sample)));
        return on;
      }),
    );
  }

  private checkTargets(printer: string, heaters: Map<string, HeaterTarget>, sample: TemperatureSample): void {
    const { tolerance } = this.ctx.settings.get();
    for (const [heater, { actual, target }] of Object.entries(sample.heaters)) {
      if (!target || target <= 0) {
        heaters.delete(heater);
        continue;
      }
      const seen = heaters.get(heater);
      const known = seen && seen.target === target ? seen : { target, reached: false };
      heaters.set(heater, known);
      if (!known.reached && Math.abs(actual - target) <= tolerance) {
        known.reached = true;
        this.ctx.fire('TemperatureReached', { heater, actual, target, printer });
      }
    }
  }
}
