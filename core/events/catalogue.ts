/**
 * The event catalogue: every event of the spec (docs/events.md is generated from this file), its
 * category, and a payload type per event. The bus, the decorators, the push channel, the hook
 * subscriptions and the docs all read this one module.
 *
 * Deprecated keys (`file`, `filename`) are kept because existing subscriptions use them.
 */
import type { GcodeAnalysisResult } from './analysis-result.js';

export type StorageOrigin = 'local' | 'sdcard';

/** Position of the head as reported by `M114`, with tool and feedrate tracked by the host. */
export interface Position {
  x: number | null;
  y: number | null;
  z: number | null;
  e: number | null;
  t: number | null;
  f: number | null;
}

export interface FileRef {
  name: string;
  path: string;
  origin: StorageOrigin;
  /** @deprecated full path on disk (local) or within its storage (sdcard) */
  file: string;
  /** @deprecated the file's name */
  filename: string;
}

export interface StorageEntry {
  storage: StorageOrigin;
  path: string;
  name: string;
}

export interface FileEntry extends StorageEntry {
  /** the type hierarchy, e.g. ["machinecode", "gcode"] or ["model", "stl"] */
  type: string[];
}

export interface AnalysisRef {
  name: string;
  path: string;
  origin: StorageOrigin;
  /** @deprecated the file's path within its storage */
  file: string;
}

export interface SlicingRef {
  stl: string;
  stl_location: StorageOrigin;
  gcode: string;
  gcode_location: StorageOrigin;
}

export interface MovieRef {
  gcode: string;
  movie: string;
  movie_basename: string;
}

export interface SlicingProfileRef {
  slicer: string;
  profile: string;
}

export type Empty = Record<string, never>;

/** Every event of the spec with its payload. Augment `CustomEventPayloads` for plugin events. */
export interface EventPayloads {
  // Server
  Startup: Empty;
  Shutdown: Empty;
  ClientOpened: { remoteAddress: string };
  ClientClosed: { remoteAddress: string };
  ConnectivityChanged: { old: boolean; new: boolean };
  // Printer communication
  Connecting: Empty;
  Connected: { port: string; baudrate: number };
  Disconnecting: Empty;
  Disconnected: Empty;
  Error: { error: string };
  PrinterStateChanged: { state_id: string; state_string: string };
  // File handling
  Upload: { name: string; path: string; target: StorageOrigin; file: string };
  FileAdded: FileEntry;
  FileRemoved: FileEntry;
  FolderAdded: StorageEntry;
  FolderRemoved: StorageEntry;
  UpdatedFiles: { type: 'printables' | 'gcode' };
  MetadataAnalysisStarted: AnalysisRef;
  MetadataAnalysisFinished: AnalysisRef & { result: GcodeAnalysisResult };
  FileSelected: FileRef;
  FileDeselected: Empty;
  TransferStarted: { local: string; remote: string };
  TransferDone: { time: number; local: string; remote: string };
  // Printing
  PrintStarted: FileRef;
  PrintFailed: FileRef & { time?: number; reason?: string };
  PrintDone: FileRef & { time: number };
  PrintCancelled: FileRef & { position?: Position };
  PrintPaused: FileRef & { position?: Position };
  PrintResumed: FileRef;
  // GCODE processing
  PowerOn: Empty;
  PowerOff: Empty;
  Home: Empty;
  ZChange: { old: number | null; new: number };
  Dwell: Empty;
  Waiting: Empty;
  Cooling: Empty;
  Alert: Empty;
  Conveyor: Empty;
  Eject: Empty;
  EStop: Empty;
  PositionUpdate: Position;
  ToolChange: { old: number; new: number };
  // Timelapses
  CaptureStart: { file: string };
  CaptureDone: { file: string };
  CaptureFailed: { file: string; error: string };
  MovieRendering: MovieRef;
  MovieDone: MovieRef;
  MovieFailed: MovieRef & { returncode: number | null; reason: 'returncode' | 'no_frames' | 'unknown' };
  // Slicing
  SlicingStarted: SlicingRef & { progressAvailable: boolean };
  SlicingDone: SlicingRef & { time: number };
  SlicingCancelled: SlicingRef;
  SlicingFailed: SlicingRef & { reason: string };
  SlicingProfileAdded: SlicingProfileRef;
  SlicingProfileModified: SlicingProfileRef;
  SlicingProfileDeleted: SlicingProfileRef;
  // Settings
  SettingsUpdated: Empty;
  // Printers (cuttle's own: a host drives several)
  PrinterAdded: PrinterRef;
  PrinterRemoved: PrinterRef;
  // Backup (OctoPrint's backup plugin's names: its events are fired as plugin_backup_*)
  plugin_backup_backup_created: { name: string; path: string; excludes: string[] };
  plugin_backup_backup_deleted: { name: string };
  plugin_backup_restore_started: { name: string };
  plugin_backup_restore_failed: { name: string; error: string };
  plugin_backup_restore_done: { name: string };
}

/** A printer of the registry (core/printers) as the Printers events name it. */
export interface PrinterRef {
  id: string;
  name: string;
}

/**
 * Plugins declare their own events by augmenting this interface:
 *
 *     declare module 'cuttle' {
 *       interface CustomEventPayloads { plugin_myplugin_Thing: { value: number } }
 *     }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface CustomEventPayloads {}

export type AllEventPayloads = EventPayloads & CustomEventPayloads;
export type EventName = keyof AllEventPayloads & string;
export type CoreEventName = keyof EventPayloads;
export type EventPayload<K extends EventName> = AllEventPayloads[K];

/** The key cuttle adds to a printer-scoped event's payload (OctoPrint's keys stay as they are). */
export interface PrinterKey {
  /** the id of the printer the event concerns (`default` on a host without `printers:`) */
  printer: string;
}

/**
 * The events born from one printer's signals: its communication, its job, the G-code it is sent, its
 * file selection and SD transfers, and its timelapse. Each carries `printer: <id>`. Every other event
 * (files in the shared storage, slicing, settings, server) concerns the host and carries none.
 */
export type PrinterEventName =
  | 'Connecting' | 'Connected' | 'Disconnecting' | 'Disconnected' | 'Error' | 'PrinterStateChanged'
  | 'FileSelected' | 'FileDeselected' | 'TransferStarted' | 'TransferDone'
  | 'PrintStarted' | 'PrintFailed' | 'PrintDone' | 'PrintCancelled' | 'PrintPaused' | 'PrintResumed'
  | 'PowerOn' | 'PowerOff' | 'Home' | 'ZChange' | 'Dwell' | 'Waiting' | 'Cooling' | 'Alert' | 'Conveyor' | 'Eject' | 'EStop'
  | 'PositionUpdate' | 'ToolChange'
  | 'CaptureStart' | 'CaptureDone' | 'CaptureFailed' | 'MovieRendering' | 'MovieDone' | 'MovieFailed';

const PRINTER_EVENTS: Record<PrinterEventName, true> = {
  Connecting: true, Connected: true, Disconnecting: true, Disconnected: true, Error: true, PrinterStateChanged: true,
  FileSelected: true, FileDeselected: true, TransferStarted: true, TransferDone: true,
  PrintStarted: true, PrintFailed: true, PrintDone: true, PrintCancelled: true, PrintPaused: true, PrintResumed: true,
  PowerOn: true, PowerOff: true, Home: true, ZChange: true, Dwell: true, Waiting: true, Cooling: true, Alert: true, Conveyor: true, Eject: true, EStop: true,
  PositionUpdate: true, ToolChange: true,
  CaptureStart: true, CaptureDone: true, CaptureFailed: true, MovieRendering: true, MovieDone: true, MovieFailed: true,
};

/** True for a core event that concerns one printer and carries `printer`. */
export function isPrinterEvent(name: string): name is PrinterEventName {
  return Object.prototype.hasOwnProperty.call(PRINTER_EVENTS, name);
}

/** A printer-scoped event's payload as fired: OctoPrint's keys plus `printer`. */
export type PrinterEventPayload<K extends PrinterEventName> = (EventPayloads[K] extends Empty ? unknown : EventPayloads[K]) & PrinterKey;

/**
 * What `EventBus.fire` takes: a printer-scoped event's payload with its `printer` (the bundled plugins
 * always add it; a test or tool firing by hand may leave it out), every other event's as the spec has it.
 */
export type FiredPayload<K extends EventName> = K extends PrinterEventName ? PrinterEventPayload<K> | EventPayload<K> : EventPayload<K>;

export type EventCategory =
  | 'Server'
  | 'Printer communication'
  | 'File handling'
  | 'Printing'
  | 'GCODE processing'
  | 'Timelapses'
  | 'Slicing'
  | 'Settings'
  | 'Printers'
  | 'Backup';

export const EVENT_CATEGORIES: readonly EventCategory[] = [
  'Server',
  'Printer communication',
  'File handling',
  'Printing',
  'GCODE processing',
  'Timelapses',
  'Slicing',
  'Settings',
  'Printers',
  'Backup',
];

export interface PayloadKeyDoc {
  doc: string;
  /** kept for existing subscriptions; the spec marks it deprecated */
  deprecated?: boolean;
  /** not in the spec: added by cuttle (OctoPrint adds most of these too) */
  extension?: boolean;
  /** documented sub-keys, reachable as `{key.sub}` placeholders */
  children?: Record<string, string>;
}

/** Who fires an event: `host` (core/host.ts) or the id of the bundled plugin that dispatches it. */
export type EventFirer = 'host' | CategoryPluginId;

/** The bundled plugins that turn the core services' signals into catalogue events. */
export type CategoryPluginId =
  | 'server-events'
  | 'printer-events'
  | 'file-events'
  | 'printing-events'
  | 'gcode-events'
  | 'timelapse-events'
  | 'slicing-events'
  | 'settings-events'
  | 'printers-events'
  | 'backup-events';

export interface EventDescriptor<P> {
  category: EventCategory;
  doc: string;
  /** who fires it: a guarantee of the core, checked by a test and at start against `plugins.disabled` */
  firedBy: EventFirer;
  /** not in OctoPrint's spec: an event of cuttle's own (its keys are then all cuttle's) */
  extension?: boolean;
  /** one entry per payload key: the compiler keeps this list and the payload type in step */
  keys: { [K in keyof Required<P>]: PayloadKeyDoc };
}

type Catalogue = { [K in CoreEventName]: EventDescriptor<EventPayloads[K]> };

const deprecatedFile: PayloadKeyDoc = {
  doc: "the file's full path on disk (local) or within its storage (sdcard)",
  deprecated: true,
};
const deprecatedFilename: PayloadKeyDoc = { doc: "the file's name", deprecated: true };
const deprecatedPath: PayloadKeyDoc = { doc: "the file's path within its storage location", deprecated: true };

const fileRefKeys = {
  name: { doc: "the file's name" },
  path: { doc: "the file's path within its storage location" },
  origin: { doc: 'the origin storage location of the file, either local or sdcard' },
  file: deprecatedFile,
  filename: deprecatedFilename,
};

const positionChildren = {
  x: 'x coordinate, as reported back from the firmware through M114',
  y: 'y coordinate, as reported back from the firmware through M114',
  z: 'z coordinate, as reported back from the firmware through M114',
  e: 'e coordinate (of currently selected extruder), as reported back from the firmware through M114',
  t: 'last tool selected through the host',
  f: 'last feedrate for move commands sent through the host',
};

const fileEntryKeys = {
  storage: { doc: "the storage's identifier" },
  path: { doc: "the file's path within its storage location" },
  name: { doc: "the file's name" },
  type: { doc: 'the file\'s type, a list of the path within the type hierarchy, e.g. ["machinecode", "gcode"] or ["model", "stl"]' },
};

const folderKeys = {
  storage: { doc: "the storage's identifier" },
  path: { doc: "the folder's path within its storage location" },
  name: { doc: "the folder's name" },
};

const analysisKeys = {
  name: { doc: "the file's name" },
  path: { doc: "the file's path within its storage location" },
  origin: { doc: "the file's origin storage location" },
  file: deprecatedPath,
};

const slicingKeys = {
  stl: { doc: "the STL's filename" },
  stl_location: { doc: "the STL's location" },
  gcode: { doc: "the sliced GCODE's filename" },
  gcode_location: { doc: "the sliced GCODE's location" },
};

const movieKeys = (verb: string) => ({
  gcode: { doc: 'the GCODE file for which the timelapse would have been created (only the filename without the path)' },
  movie: { doc: `the movie file that ${verb} (full path)` },
  movie_basename: { doc: `the movie file that ${verb} (only the file name without the path)` },
});

const profileKeys = (verb: string) => ({
  slicer: { doc: `the slicer for which the profile was ${verb}` },
  profile: { doc: `the profile that was ${verb}` },
});

const sentGcode = (commands: string) => ({
  category: 'GCODE processing' as const,
  firedBy: 'gcode-events' as const,
  doc: `${commands} was sent to the printer through the host (not triggered when printing from SD)`,
  keys: {},
});

const printerRefKeys = {
  id: { doc: "the printer's id, as in /printer/<id>/", extension: true },
  name: { doc: "the printer's name", extension: true },
};

export const EVENT_CATALOGUE: Catalogue = {
  Startup: { category: 'Server', firedBy: 'host', doc: 'The server has started.', keys: {} },
  Shutdown: { category: 'Server', firedBy: 'host', doc: 'The server is shutting down.', keys: {} },
  ClientOpened: {
    category: 'Server', firedBy: 'server-events',
    doc: 'A client has connected to the web server.',
    keys: { remoteAddress: { doc: 'the remote address (IP) of the client that connected' } },
  },
  ClientClosed: {
    category: 'Server', firedBy: 'server-events',
    doc: 'A client has disconnected from the web server.',
    keys: { remoteAddress: { doc: 'the remote address (IP) of the client that disconnected' } },
  },
  ConnectivityChanged: {
    category: 'Server', firedBy: 'server-events',
    doc: "The server's internet connectivity changed.",
    keys: {
      old: { doc: 'old connectivity value (true for online, false for offline)' },
      new: { doc: 'new connectivity value (true for online, false for offline)' },
    },
  },

  Connecting: { category: 'Printer communication', firedBy: 'printer-events', doc: 'The server is attempting to connect to the printer.', keys: {} },
  Connected: {
    category: 'Printer communication', firedBy: 'printer-events',
    doc: 'The server has connected to the printer.',
    keys: { port: { doc: 'the connected serial port' }, baudrate: { doc: 'the baud rate' } },
  },
  Disconnecting: {
    category: 'Printer communication', firedBy: 'printer-events',
    doc: 'The server is going to disconnect from the printer. Not always sent: do not depend on it for critical life cycle management.',
    keys: {},
  },
  Disconnected: { category: 'Printer communication', firedBy: 'printer-events', doc: 'The server has disconnected from the printer.', keys: {} },
  Error: {
    category: 'Printer communication', firedBy: 'printer-events',
    doc: 'An error has occurred in the printer communication.',
    keys: { error: { doc: 'the error string' } },
  },
  PrinterStateChanged: {
    category: 'Printer communication', firedBy: 'printer-events',
    doc: 'The state of the printer changed.',
    keys: {
      state_id: { doc: 'id of the new state (OPERATIONAL, PRINTING, PAUSED, ERROR, OFFLINE, …)' },
      state_string: { doc: 'text representation of the new state' },
    },
  },

  Upload: {
    category: 'File handling', firedBy: 'file-events',
    doc: 'A file has been uploaded through the web interface.',
    keys: {
      name: { doc: "the file's name" },
      path: { doc: "the file's path within its storage location" },
      target: { doc: 'the target storage location to which the file was uploaded, either local or sdcard' },
      file: deprecatedPath,
    },
  },
  FileAdded: { category: 'File handling', firedBy: 'file-events', doc: 'A file has been added to a storage. A copied file triggers this for its new path.', keys: fileEntryKeys },
  FileRemoved: {
    category: 'File handling', firedBy: 'file-events',
    doc: 'A file has been removed from a storage. A moved file first triggers FileRemoved for its original path and then FileAdded for the new one.',
    keys: fileEntryKeys,
  },
  FolderAdded: { category: 'File handling', firedBy: 'file-events', doc: 'A folder has been added to a storage. A copied folder triggers this for its new path.', keys: folderKeys },
  FolderRemoved: {
    category: 'File handling', firedBy: 'file-events',
    doc: 'A folder has been removed from a storage. A moved folder first triggers FolderRemoved for its original path and then FolderAdded for the new one.',
    keys: folderKeys,
  },
  UpdatedFiles: {
    category: 'File handling', firedBy: 'file-events',
    doc: 'A file list was modified. Sent with type printables, and again with the deprecated type gcode.',
    keys: { type: { doc: 'the type of file list that was modified: printables (or the deprecated gcode)' } },
  },
  MetadataAnalysisStarted: { category: 'File handling', firedBy: 'file-events', doc: 'The metadata analysis of a file has started.', keys: analysisKeys },
  MetadataAnalysisFinished: {
    category: 'File handling', firedBy: 'file-events',
    doc: 'The metadata analysis of a file has finished.',
    keys: { ...analysisKeys, result: { doc: 'the analysis result (estimatedPrintTime, filament, printingArea, dimensions, layerCount, …)' } },
  },
  FileSelected: { category: 'File handling', firedBy: 'file-events', doc: 'A file has been selected for printing.', keys: fileRefKeys },
  FileDeselected: { category: 'File handling', firedBy: 'file-events', doc: 'No file is selected any more for printing.', keys: {} },
  TransferStarted: {
    category: 'File handling', firedBy: 'file-events',
    doc: "A file transfer to the printer's SD has started.",
    keys: { local: { doc: "the file's name as stored locally" }, remote: { doc: "the file's name as stored on SD" } },
  },
  TransferDone: {
    category: 'File handling', firedBy: 'file-events',
    doc: "A file transfer to the printer's SD has finished.",
    keys: {
      time: { doc: 'the time it took for the transfer to complete in seconds' },
      local: { doc: "the file's name as stored locally" },
      remote: { doc: "the file's name as stored on SD" },
    },
  },

  PrintStarted: { category: 'Printing', firedBy: 'printing-events', doc: 'A print has started.', keys: fileRefKeys },
  PrintFailed: {
    category: 'Printing', firedBy: 'printing-events',
    doc: 'A print failed.',
    keys: {
      ...fileRefKeys,
      time: { doc: 'seconds the print ran before it failed', extension: true },
      reason: { doc: 'why it failed (error, disconnected, …)', extension: true },
    },
  },
  PrintDone: {
    category: 'Printing', firedBy: 'printing-events',
    doc: 'A print completed successfully.',
    keys: { ...fileRefKeys, time: { doc: 'the time needed for the print, in seconds (float)' } },
  },
  PrintCancelled: {
    category: 'Printing', firedBy: 'printing-events',
    doc: 'The print has been cancelled via the cancel button.',
    keys: { ...fileRefKeys, position: { doc: 'the print head position at the time of cancelling, if available', children: positionChildren } },
  },
  PrintPaused: {
    category: 'Printing', firedBy: 'printing-events',
    doc: 'The print has been paused.',
    keys: { ...fileRefKeys, position: { doc: 'the print head position at the time of pausing, if available', children: positionChildren } },
  },
  PrintResumed: { category: 'Printing', firedBy: 'printing-events', doc: 'The print has been resumed.', keys: fileRefKeys },

  PowerOn: sentGcode('An M80'),
  PowerOff: sentGcode('An M81'),
  Home: sentGcode('A G28'),
  ZChange: {
    category: 'GCODE processing', firedBy: 'gcode-events',
    doc: "The printer's Z-Height has changed (new layer) through a G0 or G1 that was sent to the printer through the host (not triggered when printing from SD).",
    keys: {
      old: { doc: 'the Z height before the move (null when unknown)', extension: true },
      new: { doc: 'the Z height after the move', extension: true },
    },
  },
  Dwell: sentGcode('A G4'),
  Waiting: sentGcode('One of M0, M1, M226'),
  Cooling: sentGcode('An M245'),
  Alert: sentGcode('An M300'),
  Conveyor: sentGcode('An M240'),
  Eject: sentGcode('An M40'),
  EStop: sentGcode('An M112'),
  PositionUpdate: {
    category: 'GCODE processing', firedBy: 'gcode-events',
    doc: 'The response to an M114 was received. Position parsed from the response; tool t and feedrate f tracked by the host.',
    keys: {
      x: { doc: 'x coordinate, parsed from response' },
      y: { doc: 'y coordinate, parsed from response' },
      z: { doc: 'z coordinate, parsed from response' },
      e: { doc: 'e coordinate, parsed from response' },
      t: { doc: 'last tool selected through the host' },
      f: { doc: 'last feedrate for move commands G0, G1 or G28 sent through the host' },
    },
  },
  ToolChange: {
    category: 'GCODE processing', firedBy: 'gcode-events',
    doc: 'A tool change command was sent to the printer.',
    keys: { old: { doc: 'old tool index' }, new: { doc: 'new tool index' } },
  },

  CaptureStart: {
    category: 'Timelapses', firedBy: 'timelapse-events',
    doc: 'A timelapse frame has started to be captured.',
    keys: { file: { doc: 'the name of the image file to be saved' } },
  },
  CaptureDone: {
    category: 'Timelapses', firedBy: 'timelapse-events',
    doc: 'A timelapse frame has completed being captured.',
    keys: { file: { doc: 'the name of the image file that was saved' } },
  },
  CaptureFailed: {
    category: 'Timelapses', firedBy: 'timelapse-events',
    doc: 'A timelapse frame could not be captured.',
    keys: { file: { doc: 'the name of the image file that should have been saved' }, error: { doc: 'the error that was caught' } },
  },
  MovieRendering: { category: 'Timelapses', firedBy: 'timelapse-events', doc: 'The timelapse movie has started rendering.', keys: movieKeys('is being created') },
  MovieDone: { category: 'Timelapses', firedBy: 'timelapse-events', doc: 'The timelapse movie is completed.', keys: movieKeys('has been created') },
  MovieFailed: {
    category: 'Timelapses', firedBy: 'timelapse-events',
    doc: 'There was an error while rendering the timelapse movie.',
    keys: {
      ...movieKeys('would have been created'),
      returncode: { doc: 'the return code of ffmpeg that indicates the error that occurred' },
      reason: { doc: 'returncode (ffmpeg returned non-0), no_frames (nothing captured to render) or unknown' },
    },
  },

  SlicingStarted: {
    category: 'Slicing', firedBy: 'slicing-events',
    doc: 'The slicing of a file has started.',
    keys: { ...slicingKeys, progressAvailable: { doc: 'true if progress information via the slicingProgress push update will be available' } },
  },
  SlicingDone: {
    category: 'Slicing', firedBy: 'slicing-events',
    doc: 'The slicing of a file has completed.',
    keys: { ...slicingKeys, time: { doc: 'the time needed for slicing, in seconds (float)' } },
  },
  SlicingCancelled: {
    category: 'Slicing', firedBy: 'slicing-events',
    doc: 'The slicing of a file has been cancelled: a second slicing job targeting the same GCODE file was started.',
    keys: slicingKeys,
  },
  SlicingFailed: {
    category: 'Slicing', firedBy: 'slicing-events',
    doc: 'The slicing of a file has failed.',
    keys: { ...slicingKeys, reason: { doc: 'the reason for the slicing having failed' } },
  },
  SlicingProfileAdded: { category: 'Slicing', firedBy: 'slicing-events', doc: 'A new slicing profile was added.', keys: profileKeys('added') },
  SlicingProfileModified: { category: 'Slicing', firedBy: 'slicing-events', doc: 'A slicing profile was modified.', keys: profileKeys('modified') },
  SlicingProfileDeleted: { category: 'Slicing', firedBy: 'slicing-events', doc: 'A slicing profile was deleted.', keys: profileKeys('deleted') },

  SettingsUpdated: { category: 'Settings', firedBy: 'settings-events', doc: 'The internal settings were updated.', keys: {} },

  PrinterAdded: {
    category: 'Printers', firedBy: 'printers-events', extension: true,
    doc: 'A printer was added to the host while it runs (POST /api/printers, `cuttle printers add`) and is served at /printer/<id>/. A cuttle event, not in OctoPrint.',
    keys: printerRefKeys,
  },
  PrinterRemoved: {
    category: 'Printers', firedBy: 'printers-events', extension: true,
    doc: "A printer was removed from the host while it runs (DELETE /api/printers/<id>, `cuttle printers remove`), after its job ended (PrintFailed) and it disconnected. A cuttle event, not in OctoPrint.",
    keys: printerRefKeys,
  },
  plugin_backup_backup_created: {
    category: 'Backup', firedBy: 'backup-events', extension: true,
    doc: "A backup was written (POST /api/backup or /plugin/backup/backup, as OctoPrint's backup plugin fires it; `cuttle backup create` on a basedir no host serves fires nothing).",
    keys: {
      name: { doc: "the backup's file name", extension: true },
      path: { doc: "the backup's full path on disk", extension: true },
      excludes: { doc: 'the parts left out of it (uploads, timelapses)', extension: true },
    },
  },
  plugin_backup_backup_deleted: {
    category: 'Backup', firedBy: 'backup-events', extension: true,
    doc: 'A backup was deleted (DELETE /api/backup/<name> or /plugin/backup/backup/<name>). A cuttle event, not in OctoPrint.',
    keys: { name: { doc: "the backup's file name", extension: true } },
  },
  plugin_backup_restore_started: {
    category: 'Backup', firedBy: 'backup-events', extension: true,
    doc: "A restore began (POST /api/backup/restore or /plugin/backup/restore): its archive is being checked; nothing is changed yet. OctoPrint's backup plugin says restore_started to its clients.",
    keys: { name: { doc: 'the backup restored, or the name of the uploaded archive', extension: true } },
  },
  plugin_backup_restore_failed: {
    category: 'Backup', firedBy: 'backup-events', extension: true,
    doc: 'A restore was refused (a truncated, damaged or foreign archive): nothing was changed.',
    keys: { name: { doc: 'the backup restored, or the name of the uploaded archive', extension: true }, error: { doc: 'why it was refused', extension: true } },
  },
  plugin_backup_restore_done: {
    category: 'Backup', firedBy: 'backup-events', extension: true,
    doc: "A restore's archive was checked and waits for the restart, which the host begins right after (Shutdown follows) and which applies it. Events fired from here on are not in the restored event log.",
    keys: { name: { doc: 'the backup restored, or the name of the uploaded archive', extension: true } },
  },
};

/** The doc of the `printer` key, listed under every printer-scoped event in docs/events.md. */
export const PRINTER_KEY_DOC: PayloadKeyDoc = {
  doc: 'the id of the printer the event concerns (`default` without `printers:` in config.yaml)',
  extension: true,
};

export const CORE_EVENT_NAMES = Object.keys(EVENT_CATALOGUE) as CoreEventName[];

export function isCoreEvent(name: string): name is CoreEventName {
  return Object.prototype.hasOwnProperty.call(EVENT_CATALOGUE, name);
}

/** The name under which a plugin's custom event is fired: `plugin_<id>_<name>`, as OctoPrint spells it. */
export function customEventName(pluginId: string, name: string): string {
  return `plugin_${pluginId.replace(/[^A-Za-z0-9]+/g, '_')}_${name}`;
}
