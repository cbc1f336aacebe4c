/**
 * Printer-communication category: turns the PrinterService's connection and state signals into the
 * spec's events (Connecting, Connected, Disconnecting, Disconnected, Error, PrinterStateChanged),
 * and adds the custom event `plugin_printer_events_TemperatureReached` when a heater reaches its
 * target (within `tolerance` degrees), which users keep asking OctoPrint for.
 * Written with the public plugin API only.
 */
import { EventBus, inject, Plugin, PluginContext, PrinterService, type PluginSettingsSchema, type TemperatureSample } from 'cuttle';

interface Settings {
  /** degrees from the target that count as reached */
  tolerance: number;
}

function nonNegative(unit: string): (value: unknown) => void {
  return (value) => {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new Error(`must be a number of ${unit}, 0 or more`);
  };
}

@Plugin({
  id: 'printer-events',
  name: 'Printer-communication events',
  version: '1.0.0',
  description: 'Fires the Printer-communication events for connection and state changes, and TemperatureReached.',
  settings: {
    tolerance: { doc: 'degrees from the target that count as reached', format: nonNegative('degrees'), default: 1 },
  } satisfies PluginSettingsSchema<Settings>,
  events: ['TemperatureReached'],
})
export class PrinterEventsPlugin {
  /** per heater: the target last seen and whether it was reached already */
  private readonly heaters = new Map<string, { target: number; reached: boolean }>();

  constructor(
    @inject(PluginContext) private readonly ctx: PluginContext,
    @inject(EventBus) bus: EventBus,
    @inject(PrinterService) printer: PrinterService,
  ) {
    const on = ctx.subscriptions;
    on.add(printer.onConnecting(() => bus.fire('Connecting', {})));
    on.add(printer.onConnected(({ port, baudrate }) => bus.fire('Connected', { port, baudrate })));
    on.add(printer.onDisconnecting(() => bus.fire('Disconnecting', {})));
    on.add(printer.onDisconnected(() => bus.fire('Disconnected', {})));
    on.add(printer.onError(({ error }) => bus.fire('Error', { error })));
    on.add(printer.onStateChanged((state) => bus.fire('PrinterStateChanged', { state_id: state.id, state_string: state.text })));
    on.add(printer.onTemperature((sample) => this.checkTargets(sample)));
  }

  private checkTargets(sample: TemperatureSample): void {
    const { tolerance } = this.ctx.settings.get<Settings>();
    for (const [heater, { actual, target }] of Object.entries(sample.heaters)) {
      if (!target || target <= 0) {
        this.heaters.delete(heater);
        continue;
      }
      const seen = this.heaters.get(heater);
      const known = seen && seen.target === target ? seen : { target, reached: false };
      this.heaters.set(heater, known);
      if (!known.reached && Math.abs(actual - target) <= tolerance) {
        known.reached = true;
        this.ctx.fire('TemperatureReached', { heater, actual, target });
      }
    }
  }
}
