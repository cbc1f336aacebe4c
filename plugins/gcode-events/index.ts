/**
 * GCODE-processing category: fires the spec's events for commands as they are written to the
 * printer (not when queued): PowerOn M80, PowerOff M81, Home G28, ZChange (G0/G1 that changes Z,
 * relative moves included), Dwell G4, Waiting M0/M1/M226, Cooling M245, Alert M300, Conveyor
 * M240, Eject M40, EStop M112, ToolChange T<n>, and PositionUpdate for M114 answers. With
 * `ignoreZHops`, a Z change only counts once the next extruding move confirms it, so a hop up and
 * back down fires nothing.
 *
 * Custom events (beyond the spec): `plugin_gcode_events_FilamentChange` for M600/M701/M702, and for
 * SD prints, whose commands the host never sends, the same events prefixed `Sd`
 * (`plugin_gcode_events_SdZChange`, `…_SdHome`, …) from the PrinterService's `onSdCommand`.
 * Every printer of the registry is watched, each with its own detectors; every event carries `printer`.
 * Core-owned: it fires catalogue events through the host's EventBus, which is no part of the public API;
 * the rest comes from 'cuttle'.
 */
import { DisposableStore, inject, definePlugin, Plugin, PluginContext, PrinterRegistry, type SentCommand } from 'cuttle';
import { EventBus } from '../../core/events/event-bus.js';


const BY_CODE = {
  M80: 'PowerOn',
  M81: 'PowerOff',
  G28: 'Home',
  G4: 'Dwell',
  M0: 'Waiting',
  M1: 'Waiting',
  M226: 'Waiting',
  M245: 'Cooling',
  M300: 'Alert',
  M240: 'Conveyor',
  M40: 'Eject',
  M112: 'EStop',
} as const;

type CodeEvent = (typeof BY_CODE)[keyof typeof BY_CODE];
type Detected =
  | { name: CodeEvent; payload: Record<string, never> }
  | { name: 'ZChange'; payload: { old: number | null; new: number } }
  | { name: 'ToolChange'; payload: { old: number; new: number } }
  | { name: 'FilamentChange'; payload: { command: string } };

const FILAMENT_CHANGE = new Set(['M600', 'M701', 'M702']);
const SD_EVENTS = [...new Set(Object.values(BY_CODE)), 'ZChange', 'ToolChange', 'FilamentChange'].map((name) => `Sd${name}`);

/** The events one stream of commands (sent, or read along an SD print) gives, z-hop state included. */
class Detector {
  /** with ignoreZHops: the Z a layer started from, while a change waits for an extruding move */
  private pendingZ: { old: number | null; new: number } | null = null;

  detect(sent: SentCommand, ignoreZHops: boolean): Detected[] {
    const found: Detected[] = [];
    const { code } = sent;
    if (code && code in BY_CODE) found.push({ name: BY_CODE[code as keyof typeof BY_CODE], payload: {} });
    if (sent.toolChange) found.push({ name: 'ToolChange', payload: sent.toolChange });
    if (code && FILAMENT_CHANGE.has(code)) found.push({ name: 'FilamentChange', payload: { command: code } });
    if (!ignoreZHops) {
      if (sent.zChange) found.push({ name: 'ZChange', payload: sent.zChange });
      return found;
    }
    if (sent.zChange) this.pendingZ = { old: this.pendingZ?.old ?? sent.zChange.old, new: sent.zChange.new };
    if (sent.extrudes && this.pendingZ) {
      const { old, new: z } = this.pendingZ;
      this.pendingZ = null;
      if (old !== z) found.push({ name: 'ZChange', payload: { old, new: z } });
    }
    return found;
  }

  reset(): void {
    this.pendingZ = null;
  }
}

const info = definePlugin({
  id: 'gcode-events',
  name: 'GCODE-processing events',
  version: '1.0.0',
  description: 'Fires the GCODE-processing events for commands sent to the printer, M114 positions, filament changes and SD prints.',
  settings: {
    ignoreZHops: { doc: 'a Z change counts only once the next extruding move confirms it (a z-hop fires nothing)', format: Boolean, default: false },
  },
  events: ['FilamentChange', ...SD_EVENTS],
});

@Plugin(info)
export class GcodeEventsPlugin {
  constructor(
    @inject(PluginContext) private readonly ctx: PluginContext<typeof info>,
    @inject(EventBus) private readonly bus: EventBus,
    @inject(PrinterRegistry) printers: PrinterRegistry,
  ) {
    ctx.subscriptions.add(
      printers.forEach(({ id: printer, printer: service }) => {
        // each printer has its own streams, so its own z-hop state
        const sent = new Detector();
        const sd = new Detector();
        const on = new DisposableStore();
        on.add(service.onCommandSent((command) => this.fireSent(printer, sent, command)));
        on.add(service.onSdCommand((command) => this.fireSd(printer, sd, command)));
        on.add(service.onPositionUpdate((position) => bus.fire('PositionUpdate', { ...position, printer })));
        on.add(service.onDisconnected(() => sent.reset()));
        on.add(service.onPrintStarted(() => sd.reset()));
        return on;
      }),
    );
  }

  /** read per line: the settings are computed once (and again when saved), so this is a property read */
  private get ignoreZHops(): boolean {
    return this.ctx.settings.get().ignoreZHops;
  }

  private fireSent(printer: string, detector: Detector, command: SentCommand): void {
    for (const event of detector.detect(command, this.ignoreZHops)) {
      if (event.name === 'FilamentChange') this.ctx.fire('FilamentChange', { ...event.payload, printer });
      else if (event.name === 'ZChange') this.bus.fire('ZChange', { ...event.payload, printer });
      else if (event.name === 'ToolChange') this.bus.fire('ToolChange', { ...event.payload, printer });
      else this.bus.fire(event.name, { printer });
    }
  }

  private fireSd(printer: string, detector: Detector, command: SentCommand): void {
    for (const event of detector.detect(command, this.ignoreZHops)) this.ctx.fire(`Sd${event.name}`, { ...event.payload, printer });
  }
}
