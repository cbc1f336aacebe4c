/**
 * What Klipper's printer objects say, for one cuttle printer: the Marlin-family state cuttle tracks
 * (state machine, temperatures, job, M114 positions) plus what only shows in the commands sent
 * (homed axes after G28, G90/G91 and M82/M83, fan speed, M220/M221 factors, the last feed rate).
 * `status()` is the whole object tree, computed on demand; the subscription feed diffs it.
 */
import { DisposableStore, type Disposable } from '../common/disposable.js';
import type { Position } from '../events/catalogue.js';
import type { PrinterProfile } from '../printer-profiles/profile-store.js';
import type { PrinterStateId, SentCommand } from '../printer/printer-service.js';
import { isSpace } from '../printer/protocol/gcode.js';
import type { PrinterScope } from '../printers/printer-registry.js';
import { FirmwareConfig } from './firmware-config.js';
import { systemStats } from './proc-stats.js';

export type ObjectStatus = Record<string, unknown>;
export type PrinterStatus = Record<string, ObjectStatus>;

/** Klipper's webhooks state for a cuttle printer state */
export function klippyState(id: PrinterStateId): 'ready' | 'startup' | 'error' | 'shutdown' {
  switch (id) {
    case 'OPEN_SERIAL':
    case 'CONNECTING':
      return 'startup';
    case 'ERROR':
    case 'CLOSED_WITH_ERROR':
      return 'error';
    case 'OFFLINE':
      return 'shutdown';
    default:
      return 'ready';
  }
}

/** the message Mainsail shows beside a state that is not ready */
export function klippyMessage(scope: PrinterScope): string {
  const { state } = scope.printer;
  if (klippyState(state.id) === 'ready') return 'Printer is ready';
  if (state.id === 'OFFLINE') return `Printer "${scope.entry.name}" is not connected. FIRMWARE_RESTART connects it.`;
  return state.error || state.text;
}

const JOB_STATE: Partial<Record<PrinterStateId, string>> = {
  PRINTING: 'printing',
  PAUSING: 'printing',
  RESUMING: 'printing',
  FINISHING: 'printing',
  CANCELLING: 'printing',
  PAUSED: 'paused',
};

/**
 * Klipper's commands cuttle's host carries out itself (klipper-commands.ts), listed in `configfile` as
 * the macros a Klipper config defines for them: Fluidd warns "CANCEL_PRINT macro not found" without.
 */
const HOST_MACROS = ['PAUSE', 'RESUME', 'CANCEL_PRINT'] as const;

/** a position report younger than this is the live position (the auto-report comes every second) */
const LIVE_REPORT_MS = 1500;

const END_STATE = { done: 'complete', failed: 'error', cancelled: 'cancelled' } as const;

/** The G-code state the host keeps for SAVE_GCODE_STATE/RESTORE_GCODE_STATE. */
export interface GcodeState {
  absoluteCoordinates: boolean;
  absoluteExtrude: boolean;
  /** mm/min */
  feedrate: number;
  speedFactor: number;
  extrudeFactor: number;
}

/** The codes other than G0/G1 whose words the model reads (see onSent). */
const WORD_CODES: ReadonlySet<string> = new Set(['G28', 'G90', 'G91', 'G92', 'M82', 'M83', 'M106', 'M107', 'M220', 'M221', 'M18', 'M84']);

/** Whether the character at `i` is a blank as `\s` has it. */
function blankAt(text: string, i: number): boolean {
  return isSpace(text.charCodeAt(i));
}

/**
 * What follows `letter` in the first blank-separated word of `command` that starts with it (either
 * case), upper-cased; undefined when no word does. The first word, the code, is skipped. A scan, not
 * a split: it runs for every printed move.
 */
function wordValue(command: string, letter: 'F'): string | undefined {
  const upper = letter.charCodeAt(0);
  const end = command.length;
  let i = 0;
  while (i < end && blankAt(command, i)) i++;
  while (i < end && !blankAt(command, i)) i++;
  while (i < end) {
    while (i < end && blankAt(command, i)) i++;
    const start = i;
    while (i < end && !blankAt(command, i)) i++;
    if (i > start && (command.charCodeAt(start) & ~32) === upper) return command.slice(start + 1, i).toUpperCase();
  }
  return undefined;
}

export class PrinterModel implements Disposable {
  readonly gcode: GcodeState = { absoluteCoordinates: true, absoluteExtrude: true, feedrate: 1500, speedFactor: 1, extrudeFactor: 1 };
  private homed = new Set<string>();
  /** the printer's last position report (M114, auto-report) */
  private position: [number, number, number, number] = [0, 0, 0, 0];
  private reportedAt = 0;
  /** a move went out after the last report taken while idle: the commanded position is the newer one */
  private movedSinceReport = false;
  private fan = 0;
  /** 'complete', 'cancelled', 'error' after a job, until the next one or SDCARD_RESET_FILE */
  private ended: { state: string; file: string; duration: number; message: string } | null = null;
  private printStarted: number | null = null;
  private pausedSince: number | null = null;
  private pausedTotal = 0;
  private readonly subscriptions = new DisposableStore();
  /** the firmware's own limits (M503), asked when a client first wants them (methods/printer.ts) */
  readonly firmwareConfig: FirmwareConfig;

  constructor(
    readonly scope: PrinterScope,
    private readonly profile: () => PrinterProfile,
  ) {
    const printer = scope.printer;
    this.firmwareConfig = this.subscriptions.add(new FirmwareConfig(printer));
    this.subscriptions.add(printer.onCommandSent((sent) => this.onSent(sent)));
    this.subscriptions.add(printer.onPositionUpdate((p) => this.onPosition(p)));
    this.subscriptions.add(printer.onDisconnected(() => this.homed.clear()));
    this.subscriptions.add(
      printer.onPrintStarted(() => {
        this.ended = null;
        this.printStarted = Date.now();
        this.pausedTotal = 0;
        this.pausedSince = null;
      }),
    );
    this.subscriptions.add(printer.onPrintPaused(() => (this.pausedSince = Date.now())));
    this.subscriptions.add(
      printer.onPrintResumed(() => {
        if (this.pausedSince !== null) this.pausedTotal += Date.now() - this.pausedSince;
        this.pausedSince = null;
      }),
    );
    this.subscriptions.add(
      printer.onPrintEnded(({ file, end, time, reason }) => {
        this.ended = { state: END_STATE[end], file: file.path, duration: time, message: reason ?? '' };
        this.printStarted = null;
      }),
    );
  }

  /** Forgets the last job's end (Klipper's SDCARD_RESET_FILE): print_stats goes back to standby. */
  resetFile(): void {
    this.ended = null;
  }

  /** Axes marked homed right away (the host's G28 went out), as Klipper marks them when homing ends. */
  private onSent(sent: SentCommand): void {
    if (sent.code === 'G0' || sent.code === 'G1') {
      // nearly every printed line: its feedrate without splitting the line into words
      this.movedSinceReport = true;
      const f = Number(wordValue(sent.command, 'F'));
      if (Number.isFinite(f) && f > 0) this.gcode.feedrate = f;
      return;
    }
    if (sent.code === null || !WORD_CODES.has(sent.code)) return;
    const words = sent.command.toUpperCase().split(/\s+/);
    if (sent.code === 'G28' || sent.code === 'G92') this.movedSinceReport = true;
    switch (sent.code) {
      case 'G28': {
        const axes = words.slice(1).map((w) => w[0]!.toLowerCase()).filter((a) => 'xyz'.includes(a));
        for (const axis of axes.length > 0 ? axes : ['x', 'y', 'z']) this.homed.add(axis);
        break;
      }
      case 'G90':
        this.gcode.absoluteCoordinates = true;
        this.gcode.absoluteExtrude = true;
        break;
      case 'G91':
        this.gcode.absoluteCoordinates = false;
        this.gcode.absoluteExtrude = false;
        break;
      case 'M82':
        this.gcode.absoluteExtrude = true;
        break;
      case 'M83':
        this.gcode.absoluteExtrude = false;
        break;
      case 'M106': {
        const s = words.find((w) => w.startsWith('S'));
        this.fan = s ? Math.min(1, Math.max(0, Number(s.slice(1)) / 255)) || 0 : 1;
        break;
      }
      case 'M107':
        this.fan = 0;
        break;
      case 'M220':
      case 'M221': {
        const s = Number(words.find((w) => w.startsWith('S'))?.slice(1));
        if (Number.isFinite(s) && s > 0) this.gcode[sent.code === 'M220' ? 'speedFactor' : 'extrudeFactor'] = s / 100;
        break;
      }
      case 'M18':
      case 'M84':
        this.homed.clear();
        break;
    }
  }

  private onPosition(p: Position): void {
    const [x, y, z, e] = this.position;
    this.position = [p.x ?? x, p.y ?? y, p.z ?? z, p.e ?? e];
    this.reportedAt = Date.now();
    // a report while printing lags the moves already sent; one while idle is where the toolhead is
    if (this.scope.printer.state.id === 'OPERATIONAL') this.movedSinceReport = false;
  }

  /**
   * Klipper's toolhead position: the commanded one (the moves sent, so it follows a print without
   * asking the printer anything), or the printer's own report when that came after the last move.
   */
  private toolheadPosition(): number[] {
    const reported = this.position;
    if (!this.movedSinceReport) return [...reported];
    const { x, y, z, e } = this.scope.printer.commandedPosition();
    return [x ?? reported[0], y ?? reported[1], z ?? reported[2], e ?? reported[3]];
  }

  /** Every object's current status. */
  status(): PrinterStatus {
    const printer = this.scope.printer;
    const snapshot = printer.snapshot();
    const profile = this.profile();
    const now = Date.now();
    const ready = klippyState(snapshot.state.id) === 'ready';
    const temps = snapshot.temperatures;
    const heater = (name: string) => {
      const reading = temps[name];
      const target = reading?.target ?? 0;
      return { temperature: round(reading?.actual ?? 0), target, power: target > 0 ? 1 : 0 };
    };
    const volume = profile.volume;
    const min = volume.origin === 'center' ? [-volume.width / 2, -volume.depth / 2, 0, -99999] : [0, 0, 0, -99999];
    const max = volume.origin === 'center' ? [volume.width / 2, volume.depth / 2, volume.height, 99999] : [volume.width, volume.depth, volume.height, 99999];
    const job = snapshot.job;
    const jobState = JOB_STATE[snapshot.state.id];
    const progress = (snapshot.progress.completion ?? 0) / 100;
    const duration = this.printStarted !== null ? (now - this.printStarted) / 1000 : (this.ended?.duration ?? 0);
    const paused = this.pausedTotal + (this.pausedSince !== null ? now - this.pausedSince : 0);
    const extruders = Array.from({ length: profile.extruder.count }, (_, i) => (i === 0 ? 'extruder' : `extruder${i}`));
    const position = this.toolheadPosition();
    const limits = this.limits(profile);
    const status: PrinterStatus = {
      webhooks: { state: klippyState(snapshot.state.id), state_message: klippyMessage(this.scope) },
      toolhead: {
        homed_axes: ['x', 'y', 'z'].filter((a) => this.homed.has(a)).join(''),
        position,
        axis_minimum: min,
        axis_maximum: max,
        max_velocity: limits.maxVelocity,
        max_accel: limits.maxAccel,
        max_accel_to_decel: 1500,
        square_corner_velocity: 5,
        print_time: duration,
        estimated_print_time: duration,
        extruder: 'extruder',
        stalls: 0,
      },
      gcode_move: {
        speed_factor: this.gcode.speedFactor,
        speed: this.gcode.feedrate / 60,
        extrude_factor: this.gcode.extrudeFactor,
        absolute_coordinates: this.gcode.absoluteCoordinates,
        absolute_extrude: this.gcode.absoluteExtrude,
        homing_origin: [0, 0, 0, 0],
        position,
        gcode_position: position,
      },
      // where the nozzle is: the firmware's auto-report while it comes (M154), else the commanded position
      motion_report: { live_position: now - this.reportedAt < LIVE_REPORT_MS ? [...this.position] : position, live_velocity: 0, live_extruder_velocity: 0 },
      fan: { speed: this.fan, rpm: null },
      heaters: {
        available_heaters: [...extruders, ...(profile.heatedBed ? ['heater_bed'] : [])],
        available_sensors: [...extruders, ...(profile.heatedBed ? ['heater_bed'] : [])],
        available_monitors: [],
      },
      print_stats: {
        filename: job && (jobState || this.ended) ? job.path : '',
        total_duration: duration,
        print_duration: Math.max(0, duration - paused / 1000),
        filament_used: 0,
        state: jobState ?? (ready ? (this.ended?.state ?? 'standby') : 'error'),
        message: this.ended?.message ?? '',
        info: { total_layer: null, current_layer: null },
      },
      virtual_sdcard: {
        file_path: job?.diskPath ?? job?.path ?? null,
        progress,
        is_active: snapshot.state.id === 'PRINTING',
        file_position: snapshot.progress.filepos ?? 0,
        file_size: job?.size ?? 0,
      },
      display_status: { progress, message: null },
      idle_timeout: { state: jobState ? 'Printing' : 'Ready', printing_time: jobState ? duration : 0 },
      pause_resume: { is_paused: snapshot.state.id === 'PAUSED' || snapshot.state.id === 'PAUSING' },
      // Klipper's: the load average and the memory available in kB (Home Assistant's memory sensor is
      // (system_info's total_memory - memavail) / total_memory)
      system_stats: { ...systemStats() },
      configfile: this.configfile(profile, extruders, min, max, limits),
    };
    extruders.forEach((name, i) => {
      status[name] = { ...heater(`tool${i}`), can_extrude: ready, pressure_advance: 0, smooth_time: 0.04 };
    });
    if (profile.heatedBed) status['heater_bed'] = heater('bed');
    return status;
  }

  /** the object names printer.objects.list answers */
  objectNames(): string[] {
    return Object.keys(this.status());
  }

  /** the highest target of a heater (Klipper's name), as configfile gives it: a SET_HEATER_TEMPERATURE above it is refused */
  maxTemp(heater: string): number {
    return this.limits(this.profile()).maxTemp(heater);
  }

  /**
   * The motion and heater limits: what the firmware reported (M503, firmware-config.ts) where it did,
   * else the printer profile's speeds and Marlin's usual defaults.
   */
  private limits(profile: PrinterProfile) {
    const fw = this.firmwareConfig.current;
    const least = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined ? Math.min(a, b) : (a ?? b));
    return {
      maxVelocity: least(fw?.maxVelocity.x, fw?.maxVelocity.y) ?? Math.round(Math.max(profile.axes.x.speed, profile.axes.y.speed) / 60),
      maxZVelocity: fw?.maxVelocity.z ?? Math.round(profile.axes.z.speed / 60),
      maxAccel: fw?.printAccel ?? least(fw?.maxAccel.x, fw?.maxAccel.y) ?? 3000,
      maxZAccel: fw?.maxAccel.z,
      extrudeVelocity: fw?.maxVelocity.e ?? 50,
      extrudeAccel: fw?.maxAccel.e ?? 1500,
      stepsPerMm: fw?.stepsPerMm ?? {},
      maxTemp: (heater: string) => fw?.maxTemp[heater] ?? (heater === 'heater_bed' ? 120 : 285),
    };
  }

  /** Klipper's config, as far as a Marlin-family printer has one: the profile's sizes, the firmware's limits and name. */
  private configfile(profile: PrinterProfile, extruders: string[], min: number[], max: number[], limits: ReturnType<PrinterModel['limits']>): ObjectStatus {
    // steps per mm as the firmware reported them (Klipper has rotation_distance instead, which needs the microstepping)
    const steps = (axis: 'x' | 'y' | 'z' | 'e') => (limits.stepsPerMm[axis] !== undefined ? { steps_per_mm: limits.stepsPerMm[axis] } : {});
    const capabilities = this.scope.printer.firmware()?.capabilities ?? {};
    const settings: Record<string, Record<string, unknown>> = {
      printer: {
        kinematics: 'cartesian',
        max_velocity: limits.maxVelocity,
        max_accel: limits.maxAccel,
        max_z_velocity: limits.maxZVelocity,
        ...(limits.maxZAccel !== undefined ? { max_z_accel: limits.maxZAccel } : {}),
      },
      stepper_x: { position_min: min[0], position_max: max[0], position_endstop: min[0], ...steps('x') },
      stepper_y: { position_min: min[1], position_max: max[1], position_endstop: min[1], ...steps('y') },
      stepper_z: { position_min: min[2], position_max: max[2], position_endstop: 0, ...steps('z') },
      // M115's Cap:ARCS: the firmware takes G2/G3
      ...(capabilities['ARCS'] ? { gcode_arcs: { resolution: 1 } } : {}),
      virtual_sdcard: { path: '~/printer_data/gcodes' },
      pause_resume: {},
      display_status: {},
      // the part-cooling fan (M106/M107): KlipperScreen offers fan control only for a [fan] section
      fan: {},
    };
    for (const name of extruders) {
      // Mobileraker refuses a config whose extruders lack any of these (filament_diameter included)
      settings[name] = {
        min_temp: 0,
        max_temp: limits.maxTemp(name),
        min_extrude_temp: 170,
        nozzle_diameter: profile.extruder.nozzleDiameter,
        filament_diameter: 1.75,
        max_extrude_only_distance: 50,
        max_extrude_only_velocity: limits.extrudeVelocity,
        max_extrude_only_accel: limits.extrudeAccel,
        ...(name === 'extruder' ? steps('e') : {}),
      };
    }
    if (profile.heatedBed) settings['heater_bed'] = { min_temp: 0, max_temp: limits.maxTemp('heater_bed') };
    // Klipper's config keeps a section's name as written; settings has it lower-cased
    const config: Record<string, Record<string, unknown>> = { ...settings };
    for (const macro of HOST_MACROS) {
      const section = { description: `${macro}, done by the cuttle host`, gcode: '' };
      config[`gcode_macro ${macro}`] = section;
      settings[`gcode_macro ${macro.toLowerCase()}`] = section;
    }
    const firmware = this.scope.printer.firmware();
    return {
      settings,
      config,
      warnings: [],
      save_config_pending: false,
      save_config_pending_items: {},
      firmware: firmware?.name ?? null,
      firmware_capabilities: Object.keys(capabilities).filter((cap) => capabilities[cap]),
    };
  }

  dispose(): void {
    this.subscriptions.dispose();
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
