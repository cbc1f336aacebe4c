/**
 * Which printer a printer-scoped service belongs to: bound as a constant in each printer's child
 * container (core/printers), so the PrinterService and the timelapse of printer `p2` know their id,
 * their configured connection and their own data folder.
 */

/** How a printer is reached (an entry's `connection`). */
export interface PrinterConnectionConfig {
  /** a device path, a pty path, or "virtual" for the built-in simulated printer */
  port: string;
  baudrate: number;
  autoconnect: boolean;
}

/** One printer of `printers:` in config.yaml (checked by core/printers/settings.ts). */
export interface PrinterEntry {
  /** PRINTER_ID_PATTERN (core/common/printer-id.ts): in URLs (`/printer/<id>/`), topics and event payloads */
  id: string;
  name: string;
  connection: PrinterConnectionConfig;
  /** the printer profile's id */
  profile: string;
  /** a TCP port that serves this printer's OctoPrint surface at its root */
  listen?: number;
  /** the printer's cameras (core/printers/webcams.ts) */
  webcams?: PrinterWebcam[];
}

/** One camera of a printer: Moonraker's clients show it (server.webcams.*). */
export interface PrinterWebcam {
  /** unique among the printer's cameras */
  name: string;
  /** an http(s) URL or a path on this host; '' when the camera has only snapshots */
  streamUrl: string;
  snapshotUrl: string;
  /** how a client shows it (Moonraker's `service`: mjpegstreamer-adaptive polls snapshots) */
  service: string;
  enabled: boolean;
  flipH: boolean;
  flipV: boolean;
  rotation: 0 | 90 | 180 | 270;
}

/** The camera a printer's page, its OctoPrint settings and its timelapse use: its first enabled one, if any. */
export function shownCamera(entry: PrinterEntry | undefined): PrinterWebcam | undefined {
  return entry?.webcams?.find((camera) => camera.enabled);
}

export interface PrinterIdentity {
  readonly id: string;
  /** the printer's current configuration entry (PATCH /api/printers/{id} replaces it) */
  readonly entry: PrinterEntry;
  /** a folder for this printer's own files (SD copies, timelapse frames), created on first use */
  dataFolder(name: string): string;
}
export const PrinterIdentity = Symbol.for('cuttle.PrinterIdentity');
