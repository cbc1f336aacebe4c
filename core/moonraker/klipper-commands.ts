/**
 * Klipper's extended commands (the ones Mainsail and Fluidd send) on a Marlin-family printer. Two
 * tables: what becomes G-code, per firmware dialect (a dialect lists only where it differs from the
 * Marlin base), and what the host itself does (job control, the saved G-code states, a restart).
 * Any other line goes to the printer as it is.
 */
import type { FirmwareId } from '../printer/protocol/dialects.js';
import type { PrinterService } from '../printer/printer-service.js';
import type { GcodeState, PrinterModel } from './printer-model.js';
import { RPC_INVALID_PARAMS, RpcError } from './rpc.js';

/** A Klipper command line split: `SET_HEATER_TEMPERATURE HEATER=extruder TARGET=200` → name and upper-cased keys. */
export interface KlipperLine {
  name: string;
  args: Record<string, string>;
}

export function parseKlipperLine(line: string): KlipperLine {
  const [name = '', ...rest] = line.trim().split(/\s+/);
  const args: Record<string, string> = {};
  for (const word of rest) {
    const eq = word.indexOf('=');
    if (eq > 0) args[word.slice(0, eq).toUpperCase()] = word.slice(eq + 1);
  }
  return { name: name.toUpperCase(), args };
}

/** Klipper's heater names → the G-code that sets each (`tool` for extruder, extruder1…). */
function heaterCommand(heater: string, target: number): string {
  if (heater === 'heater_bed') return `M140 S${target}`;
  const tool = heater === 'extruder' ? 0 : /^extruder(\d+)$/.exec(heater)?.[1];
  if (tool === undefined) throw new RpcError(RPC_INVALID_PARAMS, `Unknown heater "${heater.slice(0, 64)}"`);
  return `M104 T${tool} S${target}`;
}

function numberArg(args: Record<string, string>, key: string, fallback?: number): number {
  const raw = args[key];
  if (raw === undefined && fallback !== undefined) return fallback;
  const n = Number(raw);
  if (raw === undefined || !Number.isFinite(n)) throw new RpcError(RPC_INVALID_PARAMS, `${key} must be a number`);
  return n;
}

/** what a translation needs of the printer: its heaters' Klipper names and each one's highest target */
export interface TranslatedPrinter {
  readonly heaters: readonly string[];
  maxTemp(heater: string): number;
}

type GcodeTranslation = (args: Record<string, string>, printer: TranslatedPrinter) => string[];

/** Klipper's check: 0 (off) or a target within the heater's range (configfile's min_temp 0 and max_temp) */
function heaterTarget(args: Record<string, string>, heater: string, printer: TranslatedPrinter): string {
  const target = numberArg(args, 'TARGET', 0);
  const command = heaterCommand(heater, target);
  const max = printer.maxTemp(heater);
  if (target < 0 || target > max) throw new RpcError(400, `Requested temperature (${target}) out of range (0:${max})`);
  return command;
}

const MARLIN: Record<string, GcodeTranslation> = {
  SET_HEATER_TEMPERATURE: (args, printer) => [heaterTarget(args, (args['HEATER'] ?? '').toLowerCase(), printer)],
  TURN_OFF_HEATERS: (_args, printer) => printer.heaters.map((h) => heaterCommand(h, 0)),
  SET_GCODE_OFFSET: (args) => (args['Z_ADJUST'] !== undefined ? [`M290 Z${numberArg(args, 'Z_ADJUST')}`] : []),
  M84: () => ['M84'],
  SET_FAN_SPEED: (args) => [`M106 S${Math.round(Math.min(1, Math.max(0, numberArg(args, 'SPEED'))) * 255)}`],
  SET_VELOCITY_LIMIT: () => [],
};

/** Where a dialect differs from Marlin's commands. */
const DIALECT_TRANSLATIONS: Partial<Record<FirmwareId, Record<string, GcodeTranslation>>> = {
  // RepRapFirmware babysteps with M290 S (Marlin's Z is also accepted there, S is its own form)
  reprapfirmware: { SET_GCODE_OFFSET: (args) => (args['Z_ADJUST'] !== undefined ? [`M290 S${numberArg(args, 'Z_ADJUST')}`] : []) },
};

function tableOf(dialect: FirmwareId): Record<string, GcodeTranslation> {
  const own = DIALECT_TRANSLATIONS[dialect];
  // Klipper itself understands its commands: none translated
  return dialect === 'klipper' ? {} : { ...MARLIN, ...own };
}

/** What the host does for a command (not G-code for the printer). */
export interface KlipperHost {
  readonly printer: PrinterService;
  readonly model: PrinterModel;
  /** sends G-code, resolved once the printer has done it */
  send(lines: string[]): Promise<void>;
  /** selects a file of the gcodes root and prints it */
  printFile(path: string): Promise<void>;
  /** pauses, resumes or cancels the job, refused (409) when there is none in that state */
  job(action: 'pause' | 'resume' | 'cancel'): Promise<void>;
  /** connects the printer again (FIRMWARE_RESTART, RESTART) */
  restart(): Promise<void>;
}

/** the distinct NAMEs SAVE_GCODE_STATE keeps per printer (macros use a handful) */
const MAX_SAVED_STATES = 64;

type HostCommand = (args: Record<string, string>, host: KlipperHost, saved: Map<string, GcodeState>) => Promise<void> | void;

const HOST_COMMANDS: Record<string, HostCommand> = {
  PAUSE: (_a, host) => host.job('pause'),
  RESUME: (_a, host) => host.job('resume'),
  CANCEL_PRINT: (_a, host) => host.job('cancel'),
  SDCARD_RESET_FILE: (_a, host) => {
    host.model.resetFile();
    if (!host.printer.state.id.startsWith('PRINT') && host.printer.state.id !== 'PAUSED') host.printer.deselectFile();
  },
  SDCARD_PRINT_FILE: (args, host) => host.printFile(args['FILENAME'] ?? ''),
  FIRMWARE_RESTART: (_a, host) => host.restart(),
  RESTART: (_a, host) => host.restart(),
  SAVE_GCODE_STATE: (args, host, saved) => {
    const name = (args['NAME'] ?? 'default').toLowerCase();
    // kept for the printer's life: a script of new names each time grew the host's memory without end
    if (!saved.has(name) && saved.size >= MAX_SAVED_STATES) throw new RpcError(400, `At most ${MAX_SAVED_STATES} saved g-code states: reuse a NAME`);
    saved.set(name, { ...host.model.gcode });
  },
  // restored by sending the modes and feed rate as they were: the printer is in the state Klipper would leave it in
  RESTORE_GCODE_STATE: (args, host, saved) => {
    const state = saved.get((args['NAME'] ?? 'default').toLowerCase());
    if (!state) throw new RpcError(400, `Unknown g-code state: ${(args['NAME'] ?? 'default').slice(0, 64)}`);
    return host.send([state.absoluteCoordinates ? 'G90' : 'G91', state.absoluteExtrude ? 'M82' : 'M83', `G1 F${state.feedrate}`]);
  },
};

/** The Klipper commands this host knows, for printer.gcode.help. */
export const KLIPPER_HELP: Record<string, string> = {
  SET_HEATER_TEMPERATURE: 'Sets a heater temperature (M104/M140)',
  TURN_OFF_HEATERS: 'Turns off all heaters',
  SET_GCODE_OFFSET: 'Babysteps Z (Z_ADJUST)',
  SET_FAN_SPEED: 'Sets the part fan (M106)',
  PAUSE: 'Pauses the current print',
  RESUME: 'Resumes the print from a pause',
  CANCEL_PRINT: 'Cancels the current print',
  SDCARD_RESET_FILE: 'Clears the loaded file',
  SDCARD_PRINT_FILE: 'Loads a file and starts the print',
  SAVE_GCODE_STATE: 'Saves positioning modes and feed rate (host side)',
  RESTORE_GCODE_STATE: 'Restores a saved G-code state',
  FIRMWARE_RESTART: 'Reconnects the printer',
  RESTART: 'Reconnects the printer',
  M112: 'Emergency stop',
};

/**
 * Runs a script's lines (gcode.ts commandLines) for one printer: host commands are done here, Klipper
 * commands become the dialect's G-code, and each run of plain G-code is sent in order.
 */
export class KlipperTranslator {
  private readonly saved = new Map<string, GcodeState>();

  constructor(private readonly dialect: () => FirmwareId) {}

  async run(lines: readonly string[], host: KlipperHost, heaters: readonly string[]): Promise<void> {
    const printer: TranslatedPrinter = { heaters, maxTemp: (heater) => host.model.maxTemp(heater) };
    const table = tableOf(this.dialect());
    let pending: string[] = [];
    const flush = async () => {
      const lines = pending;
      pending = [];
      if (lines.length > 0) await host.send(lines);
    };
    for (const line of lines) {
      const { name, args } = parseKlipperLine(line);
      const hostCommand = HOST_COMMANDS[name];
      if (hostCommand) {
        await flush();
        await hostCommand(args, host, this.saved);
        continue;
      }
      const translation = table[name];
      if (translation) pending.push(...translation(args, printer));
      else pending.push(line);
    }
    await flush();
  }
}
