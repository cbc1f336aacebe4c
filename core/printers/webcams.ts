/**
 * A printer's cameras (an entry's `webcams`): where each one's stream and snapshot are, and how the
 * picture is turned. Moonraker's clients list and edit them (`server.webcams.*`); they live in the
 * printer's entry in config.yaml like its connection, so PATCH /api/printers/<id> edits the same list.
 */
import type { PrinterWebcam } from '../printer/printer-identity.js';

export const MAX_WEBCAMS = 16;
const WEBCAM_KEYS = ['name', 'streamUrl', 'snapshotUrl', 'service', 'enabled', 'flipH', 'flipV', 'rotation'];
const ROTATIONS = [0, 90, 180, 270] as const;
/** the streaming kinds Mainsail and Fluidd know; anything else would show nothing */
const SERVICES = ['mjpegstreamer', 'mjpegstreamer-adaptive', 'uv4l-mjpeg', 'ipstream', 'hlsstream', 'jmuxer-stream', 'webrtc-camerastreamer', 'webrtc-go2rtc', 'webrtc-mediamtx', 'iframe'];

/** an absolute http(s) URL or a path on this host; '' for none */
function url(value: unknown, key: string): string {
  if (value === undefined || value === null || value === '') return '';
  // a path is this host's: "//other.example/…" would name another host without saying so
  if (typeof value !== 'string' || value.length > 2048 || !/^(https?:\/\/[^\s]+|\/(?!\/)[^\s]*)$/i.test(value)) throw new Error(`"${key}" must be an http(s) URL or a path on this host starting with one "/"`);
  return value;
}

function flag(value: unknown, key: string, fallback: boolean): boolean {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') throw new Error(`"${key}" must be true or false`);
  return value;
}

/** One camera checked and completed; throws naming the key (`webcams[1].rotation` ...). */
export function normalizeWebcam(value: unknown, where = 'webcam'): PrinterWebcam {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`"${where}" must be a mapping with name, streamUrl, snapshotUrl`);
  const raw = value as Record<string, unknown>;
  const unknownKey = Object.keys(raw).find((key) => !WEBCAM_KEYS.includes(key));
  if (unknownKey) throw new Error(`"${where}.${unknownKey}" is not a webcam setting (${WEBCAM_KEYS.join(', ')})`);
  const name = raw['name'];
  if (typeof name !== 'string' || name.trim() === '' || name.length > 64) throw new Error(`"${where}.name" must be a non-empty string of at most 64 characters`);
  const service = raw['service'] ?? 'mjpegstreamer-adaptive';
  if (typeof service !== 'string' || !SERVICES.includes(service)) throw new Error(`"${where}.service" must be one of ${SERVICES.join(', ')}`);
  const rotation = raw['rotation'] ?? 0;
  if (!ROTATIONS.includes(rotation as 0)) throw new Error(`"${where}.rotation" must be 0, 90, 180 or 270`);
  const camera: PrinterWebcam = {
    name,
    streamUrl: url(raw['streamUrl'], `${where}.streamUrl`),
    snapshotUrl: url(raw['snapshotUrl'], `${where}.snapshotUrl`),
    service,
    enabled: flag(raw['enabled'], `${where}.enabled`, true),
    flipH: flag(raw['flipH'], `${where}.flipH`, false),
    flipV: flag(raw['flipV'], `${where}.flipV`, false),
    rotation: rotation as PrinterWebcam['rotation'],
  };
  if (camera.streamUrl === '' && camera.snapshotUrl === '') throw new Error(`"${where}" needs a streamUrl or a snapshotUrl`);
  return camera;
}

/** An entry's `webcams` list: at most 16, names unique. */
export function normalizeWebcams(value: unknown): PrinterWebcam[] {
  if (!Array.isArray(value) || value.length > MAX_WEBCAMS) throw new Error(`"webcams" must be a list of at most ${MAX_WEBCAMS} cameras`);
  const cameras = value.map((item, i) => normalizeWebcam(item, `webcams[${i}]`));
  const names = new Set<string>();
  for (const camera of cameras) {
    if (names.has(camera.name)) throw new Error(`"webcams": the name "${camera.name}" is used twice`);
    names.add(camera.name);
  }
  return cameras;
}
