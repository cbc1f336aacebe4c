/**
 * What the firmware says of its own limits, for Klipper's `configfile` and `toolhead`: the answer to
 * M503 (steps per mm, maximum feed rates and accelerations, the print acceleration, heater limits),
 * asked once per connection while the printer is idle, when a client first wants `configfile`. A
 * table per dialect says whether it answers M503 and in which units; the rest is one parser.
 */
import { DisposableStore, type Disposable } from '../common/disposable.js';
import { commandParams } from '../printer/protocol/gcode.js';
import { detectDialect, type FirmwareId } from '../printer/protocol/dialects.js';
import type { PrinterService } from '../printer/printer-service.js';

type Axes = Partial<Record<'x' | 'y' | 'z' | 'e', number>>;

export interface FirmwareLimits {
  stepsPerMm: Axes;
  /** mm/s */
  maxVelocity: Axes;
  /** mm/s² */
  maxAccel: Axes;
  /** mm/s²: M204 P (Marlin, RepRapFirmware) */
  printAccel?: number;
  /** °C by Klipper heater name (RepRapFirmware's M143) */
  maxTemp: Record<string, number>;
}

interface SettingsDialect {
  /** M203's unit per second: 1 (mm/s) or 60 (mm/min) */
  feedratePerSecond: number;
  /** an M143 H<n> heater's Klipper name */
  heater?: (index: number) => string;
}

/** The dialects that report their settings with M503; the others are never asked. */
const SETTINGS_DIALECTS: Partial<Record<FirmwareId, SettingsDialect>> = {
  marlin: { feedratePerSecond: 1 },
  marlin1: { feedratePerSecond: 1 },
  prusa: { feedratePerSecond: 1 },
  reprapfirmware: { feedratePerSecond: 60, heater: (h) => (h === 0 ? 'heater_bed' : h === 1 ? 'extruder' : `extruder${h - 1}`) },
};

/** The limits in an M503 answer (lines as received; "echo:" prefixes and comments allowed). */
export function parseSettings(lines: readonly string[], dialect: SettingsDialect): FirmwareLimits {
  const limits: FirmwareLimits = { stepsPerMm: {}, maxVelocity: {}, maxAccel: {}, maxTemp: {} };
  const axes = (p: Record<string, number>, scale: number): Axes => {
    const out: Axes = {};
    for (const axis of ['x', 'y', 'z', 'e'] as const) if (Number.isFinite(p[axis.toUpperCase()])) out[axis] = p[axis.toUpperCase()]! / scale;
    return out;
  };
  for (const raw of lines) {
    const line = raw.replace(/^echo:/, '').trim();
    const code = /^(M92|M143|M201|M203|M204)\b/.exec(line)?.[1];
    if (!code) continue;
    const p = commandParams(line);
    if (code === 'M92') Object.assign(limits.stepsPerMm, axes(p, 1));
    else if (code === 'M203') Object.assign(limits.maxVelocity, axes(p, dialect.feedratePerSecond));
    else if (code === 'M201') Object.assign(limits.maxAccel, axes(p, 1));
    else if (code === 'M204' && Number.isFinite(p['P'])) limits.printAccel = p['P']!;
    else if (code === 'M143' && dialect.heater && Number.isFinite(p['H']) && Number.isFinite(p['S'])) limits.maxTemp[dialect.heater(p['H']!)] = p['S']!;
  }
  return limits;
}

export class FirmwareConfig implements Disposable {
  private limits: FirmwareLimits | null = null;
  private asked = false;
  private readonly subscriptions = new DisposableStore();

  constructor(private readonly printer: PrinterService) {
    this.subscriptions.add(
      printer.onDisconnected(() => {
        this.limits = null;
        this.asked = false;
      }),
    );
  }

  /** what the connected firmware reported, null before (or without) an answer */
  get current(): FirmwareLimits | null {
    return this.limits;
  }

  /** Asks the firmware for its settings (M503) once per connection, only while it is idle. */
  ensure(): void {
    if (this.asked || this.printer.state.id !== 'OPERATIONAL') return;
    const dialect = SETTINGS_DIALECTS[detectDialect(this.printer.firmware()?.name ?? null).id];
    if (!dialect) return;
    this.asked = true;
    // Marlin's answer is "echo:" lines, which the protocol leaves out of a command's answer: read from the log
    const lines: string[] = [];
    const listening = this.printer.onLog(({ direction, line }) => direction === 'recv' && lines.length < 500 && lines.push(line));
    this.printer
      .commandsAcknowledged('M503')
      .then(
        () => (this.limits = parseSettings(lines, dialect)),
        () => (this.asked = false),
      )
      .finally(() => listening.dispose());
  }

  dispose(): void {
    this.subscriptions.dispose();
  }
}
