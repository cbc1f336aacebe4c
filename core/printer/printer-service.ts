/**
 * The printer contract (implemented in this folder): connection, protocol, state machine and the
 * print job. Things happen here first; the printer-events, printing-events and gcode-events plugins
 * turn these signals into catalogue events on the bus.
 */
import type { Event } from '../common/event.js';
import type { Position, StorageOrigin } from '../events/catalogue.js';

export type PrinterStateId =
  | 'OFFLINE'
  | 'OPEN_SERIAL'
  | 'CONNECTING'
  | 'OPERATIONAL'
  | 'PRINTING'
  | 'PAUSING'
  | 'PAUSED'
  | 'RESUMING'
  | 'CANCELLING'
  | 'FINISHING'
  | 'ERROR'
  | 'CLOSED_WITH_ERROR';

export interface PrinterState {
  id: PrinterStateId;
  /** OctoPrint's text: "Offline", "Opening serial port", …, "Offline after error" */
  text: string;
  /** the last communication error, '' when none */
  error: string;
}

export interface TemperatureReading {
  actual: number;
  target: number | null;
}

/** One point of temperature history: `tool0`, `tool1`, `bed`, `chamber` as reported. */
export interface TemperatureSample {
  time: number;
  heaters: Record<string, TemperatureReading>;
}

/** A file chosen for printing. `diskPath` is set for local files. */
export interface JobFile {
  origin: StorageOrigin;
  path: string;
  name: string;
  size: number | null;
  diskPath?: string;
  /** epoch seconds of the file, when known */
  date?: number;
}

export interface JobProgress {
  /** 0..100, by bytes, null before a print */
  completion: number | null;
  filepos: number | null;
  /** lines of the file sent so far */
  linesSent: number;
  /** seconds since the print started */
  printTime: number | null;
  printTimeLeft: number | null;
}

export interface ConnectionInfo {
  port: string;
  baudrate: number;
}

export interface PrinterSnapshot {
  state: PrinterState;
  connection: ConnectionInfo | null;
  temperatures: Record<string, TemperatureReading>;
  job: JobFile | null;
  progress: JobProgress;
  currentZ: number | null;
}

export interface ConnectOptions {
  /** a port name: a device path, or one a TransportFactory contributes ("virtual"); config `serial.port` when absent */
  port?: string;
  baudrate?: number;
}

/** A command as it left for the printer, after the `gcode.*` hooks. */
export interface SentCommand {
  /** the command without line number and checksum, e.g. "G1 Z0.2 F1200" */
  command: string;
  /** the G/M/T code, upper case ("G1", "M104", "T1"), or null for unparsable lines */
  code: string | null;
  /** true when it came from the print job rather than the API/plugins */
  fromJob: boolean;
  /** set when this G0/G1 changed the tracked Z height (absolute or relative positioning) */
  zChange?: { old: number | null; new: number };
  /** set when this T<n> selected another tool */
  toolChange?: { old: number; new: number };
  /** true for a move that extrudes (E grows): the end of a z-hop, the start of a layer */
  extrudes?: boolean;
}

/** What M115 said: FIRMWARE_NAME and the other fields, and the `Cap:` lines. */
export interface FirmwareInfo {
  name: string | null;
  fields: Record<string, string>;
  capabilities: Record<string, boolean>;
}

export interface SdFileInfo {
  /** the name as the firmware lists it (Marlin lists 8.3 or long names, lower case here) */
  name: string;
  size: number | null;
}

export interface SdPrintStatus {
  printing: boolean;
  filepos: number | null;
  size: number | null;
}

/**
 * The printer's SD card through Marlin's commands, for the `sdcard` storage of the file manager.
 * Every call needs an operational connection and rejects with a clear message otherwise or when
 * the firmware refuses. Printing from SD goes through `selectFile({ origin: 'sdcard', … })` and
 * `startPrint()` (M23, M24, progress by M27 polling, M25 to pause).
 */
export interface PrinterSdCard {
  /** whether the card can be used: the printer is connected (the card itself may still be missing) */
  readonly ready: boolean;
  /** why `upload` would be refused now (the printer is not operational, a job or another upload runs), or null */
  readonly uploadRefusal: string | null;
  /** M21: initialise (mount) the card */
  init(): Promise<void>;
  /** M20: the files on the card */
  list(): Promise<SdFileInfo[]>;
  /**
   * M28 <name>, then every line (comments and blank lines stripped, numbered and checksummed as
   * any command, not executed by the printer), then M29. Refused while a job runs.
   */
  upload(name: string, lines: AsyncIterable<string> | Iterable<string>, onProgress?: (linesSent: number) => void): Promise<void>;
  /** M30 <name> */
  remove(name: string): Promise<void>;
  /** M27: whether the printer prints from SD, and where in the file */
  status(): Promise<SdPrintStatus>;
  /** the host's copy of a file it wrote to the card (kept for the SD print's G-code events), or null */
  localCopy(name: string): string | null;
  /** the card's files changed through this API (upload, remove) */
  readonly onChanged: Event<void>;
}

export type PrintEnd = 'done' | 'failed' | 'cancelled';

export interface PrinterService {
  readonly state: PrinterState;
  snapshot(): PrinterSnapshot;
  listPorts(): Promise<string[]>;
  connect(options?: ConnectOptions): Promise<void>;
  disconnect(): Promise<void>;
  /** Queues commands (through the gcode.queuing hook) for sending in order. */
  commands(lines: string | readonly string[]): void;
  /**
   * Queues commands as `commands` does and resolves once the printer has acknowledged the last one
   * ("ok"), with every line it answered them with; rejects when the connection ends first.
   */
  commandsAcknowledged(lines: string | readonly string[]): Promise<string[]>;
  setTemperature(heater: string, target: number): void;
  temperatureHistory(): readonly TemperatureSample[];

  selectFile(file: JobFile, printAfterSelect?: boolean): Promise<void>;
  deselectFile(): void;
  startPrint(): Promise<void>;
  pausePrint(): Promise<void>;
  resumePrint(): Promise<void>;
  cancelPrint(): Promise<void>;
  restartPrint(): Promise<void>;
  /** true while a job is running or paused: file operations on `job.path` are refused */
  isBusyWith(origin: StorageOrigin, path: string): boolean;

  readonly onStateChanged: Event<PrinterState>;
  readonly onConnecting: Event<void>;
  readonly onConnected: Event<ConnectionInfo>;
  readonly onDisconnecting: Event<void>;
  readonly onDisconnected: Event<void>;
  readonly onError: Event<{ error: string }>;
  readonly onFileSelected: Event<JobFile>;
  readonly onFileDeselected: Event<void>;
  readonly onPrintStarted: Event<JobFile>;
  readonly onPrintPaused: Event<{ file: JobFile; position: Position | null }>;
  readonly onPrintResumed: Event<JobFile>;
  readonly onPrintEnded: Event<{ file: JobFile; end: PrintEnd; time: number; reason?: string; position?: Position | null }>;
  readonly onCommandSent: Event<SentCommand>;
  readonly onPositionUpdate: Event<Position>;
  /** every line to and from the printer, for terminals and the push log */
  readonly onLog: Event<{ direction: 'send' | 'recv'; line: string }>;
  readonly onTemperature: Event<TemperatureSample>;

  /** the SD card protocol (M20, M21, M23–M30) */
  readonly sd: PrinterSdCard;
  /**
   * Where the commands sent so far put the toolhead (G0/G1, G92, G28; millimetres), as Klipper's
   * commanded position: ahead of the nozzle by the firmware's planner. null for an axis not known yet.
   */
  commandedPosition(): { x: number | null; y: number | null; z: number | null; e: number | null };
  /** M115 data of the connected firmware, null when not connected */
  firmware(): FirmwareInfo | null;
  /** the job's progress each time its completion passes a whole percent */
  readonly onProgress: Event<{ file: JobFile; progress: JobProgress }>;
  /** `//action:<name>` host actions from the firmware (pause, resume and cancel are also acted on) */
  readonly onHostAction: Event<{ action: string }>;
  /**
   * Commands of an SD print as the printer gets to them (by M27 progress), read from a local copy:
   * the job's `diskPath`, else the copy kept when the file was uploaded through `sd.upload`. Effects
   * (Z, tool) are tracked apart from sent commands.
   */
  readonly onSdCommand: Event<SentCommand>;
}
export const PrinterService = Symbol.for('cuttle.PrinterService');
