/**
 * GCODE-processing category: fires the spec's events for commands as they are written to the
 * printer (not when queued): PowerOn M80, PowerOff M81, Home G28, ZChange (G0/G1 that changes Z,
 * relative moves included), Dwell G4, Waiting M0/M1/M226, Cooling M245, Alert M300, Conveyor
 * M240, Eject M40, EStop M112, ToolChange T<n>, and PositionUpdate for M114 answers. With
 * `ignoreZHops`, a Z change only counts once the next extruding move confirms it, so a hop up and
 * back down fires nothing. Custom event: `plugin_gcode_events_FilamentChange` for M600/M701/M702.
 * Written with the public plugin API only.
 */
import { EventBus, inject, Plugin, PluginContext, PrinterService, type CoreEventName, type SentCommand } from 'cuttle';

interface Settings {
  ignoreZHops: boolean;
}

type EmptyEvent = 'PowerOn' | 'PowerOff' | 'Home' | 'Dwell' | 'Waiting' | 'Cooling' | 'Alert' | 'Conveyor' | 'Eject' | 'EStop';

const BY_CODE: Record<string, EmptyEvent & CoreEventName> = {
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
};

const FILAMENT_CHANGE = new Set(['M600', 'M701', 'M702']);

@Plugin({
  id: 'gcode-events',
  name: 'GCODE-processing events',
  version: '1.0.0',
  description: 'Fires the GCODE-processing events for commands sent to the printer, M114 positions and filament changes.',
  settings: { ignoreZHops: false } satisfies Settings,
  events: ['FilamentChange'],
})
export class GcodeEventsPlugin {
  /** with ignoreZHops: the Z a layer started from, while a change waits for an extruding move */
  private hopFrom: { old: number | null; new: number } | null = null;

  constructor(
    @inject(PluginContext) private readonly ctx: PluginContext,
    @inject(EventBus) private readonly bus: EventBus,
    @inject(PrinterService) printer: PrinterService,
  ) {
    const on = ctx.subscriptions;
    on.add(printer.onCommandSent((sent) => this.sent(sent)));
    on.add(printer.onPositionUpdate((position) => bus.fire('PositionUpdate', position)));
    on.add(printer.onDisconnected(() => (this.hopFrom = null)));
  }

  private sent(sent: SentCommand): void {
    const { code } = sent;
    const event = code ? BY_CODE[code] : undefined;
    if (event) this.bus.fire(event, {});
    if (sent.toolChange) this.bus.fire('ToolChange', sent.toolChange);
    if (code && FILAMENT_CHANGE.has(code)) this.ctx.fire('FilamentChange', { command: code });
    this.zChange(sent);
  }

  private zChange(sent: SentCommand): void {
    const { ignoreZHops } = this.ctx.settings.get() as unknown as Settings;
    if (!ignoreZHops) {
      if (sent.zChange) this.bus.fire('ZChange', sent.zChange);
      return;
    }
    if (sent.zChange) this.hopFrom = { old: this.hopFrom?.old ?? sent.zChange.old, new: sent.zChange.new };
    if (sent.extrudes && this.hopFrom) {
      const { old, new: z } = this.hopFrom;
      this.hopFrom = null;
      if (old !== z) this.bus.fire('ZChange', { old, new: z });
    }
  }
}
