/**
 * The part of OctoPrint's settings document that cuttle serves and accepts, field by field: where
 * each lives in cuttle's configuration and how its unit differs (OctoPrint says seconds where
 * cuttle keeps milliseconds). `GET /api/settings` reads through this table and `POST` writes
 * through it, so a field is either both readable and writable or neither.
 */
export interface OctoPrintField {
  /** dotted path in OctoPrint's document, e.g. `serial.timeoutConnection` */
  path: string;
  /** the dotted key in config.yaml (the sections are the modules'; the settings routes check each exists) */
  key: string;
  /** the factor from OctoPrint's unit to cuttle's (1000: seconds → milliseconds) */
  scale?: number;
}

export const OCTOPRINT_FIELDS: readonly OctoPrintField[] = [
  { path: 'api.allowCrossOrigin', key: 'server.cors.enabled' },
  { path: 'appearance.name', key: 'appearance.name' },
  { path: 'appearance.color', key: 'appearance.color' },
  { path: 'serial.port', key: 'serial.port' },
  { path: 'serial.baudrate', key: 'serial.baudrate' },
  { path: 'serial.autoconnect', key: 'serial.autoconnect' },
  { path: 'serial.timeoutConnection', key: 'serial.timeout.connection', scale: 1000 },
  { path: 'serial.timeoutCommunication', key: 'serial.timeout.communication', scale: 1000 },
  { path: 'server.commands.serverRestartCommand', key: 'system.commands.serverRestart' },
  { path: 'server.commands.systemRestartCommand', key: 'system.commands.systemRestart' },
  { path: 'server.commands.systemShutdownCommand', key: 'system.commands.systemShutdown' },
  { path: 'server.onlineCheck.enabled', key: 'onlineCheck.enabled' },
  { path: 'server.onlineCheck.host', key: 'onlineCheck.host' },
  { path: 'server.onlineCheck.port', key: 'onlineCheck.port' },
  { path: 'server.onlineCheck.interval', key: 'onlineCheck.interval' },
  { path: 'temperature.profiles', key: 'temperature.profiles' },
  { path: 'temperature.cutoff', key: 'temperature.cutoff' },
  { path: 'webcam.snapshotTimeout', key: 'webcam.snapshotTimeoutMs', scale: 1000 },
  { path: 'webcam.ffmpegPath', key: 'timelapse.ffmpeg' },
  { path: 'webcam.bitrate', key: 'timelapse.bitrate' },
  { path: 'webcam.ffmpegThreads', key: 'timelapse.threads' },
];

function lookup(document: unknown, dotted: string): { found: boolean; value?: unknown } {
  let node = document;
  for (const part of dotted.split('.')) {
    if (!node || typeof node !== 'object' || Array.isArray(node) || !Object.hasOwn(node, part)) return { found: false };
    node = (node as Record<string, unknown>)[part];
  }
  return { found: true, value: node };
}

/** The value of a field as OctoPrint shows it. */
export function shownValue(field: OctoPrintField, configured: unknown): unknown {
  return field.scale && typeof configured === 'number' ? configured / field.scale : configured;
}

/** Puts every field's value into `document` at its OctoPrint path. */
export function fillFields(document: Record<string, unknown>, read: (key: string) => unknown): void {
  for (const field of OCTOPRINT_FIELDS) {
    const parts = field.path.split('.');
    let node = document;
    for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
    node[parts.at(-1)!] = shownValue(field, read(field.key));
  }
}

/**
 * The configuration changes an OctoPrint settings document asks for: one per field it contains.
 * Fields cuttle does not serve are left alone (OctoPrint's UI posts its whole document).
 */
export function changesOf(document: Record<string, unknown>): { field: OctoPrintField; value: unknown }[] {
  const changes: { field: OctoPrintField; value: unknown }[] = [];
  for (const field of OCTOPRINT_FIELDS) {
    const { found, value } = lookup(document, field.path);
    if (!found) continue;
    changes.push({ field, value: field.scale && typeof value === 'number' ? Math.round(value * field.scale) : value });
  }
  return changes;
}
