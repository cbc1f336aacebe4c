/**
 * `server.webcams.*` from the printer's own cameras (its entry's `webcams`, core/printers/webcams.ts):
 * listed in Moonraker's shape, added, changed and removed through the registry, which checks the
 * entry and saves config.yaml, so the REST API and Moonraker's clients edit one list. Changes are
 * announced as `notify_webcams_changed` by notifications.ts, whoever made them.
 */
import { createHash } from 'node:crypto';
import { inject, injectable } from 'inversify';
import type { PrinterWebcam } from '../../printer/printer-identity.js';
import { PrinterRegistry, PrinterRegistryError, type PrinterScope } from '../../printers/printer-registry.js';
import { SettingsService } from '../../settings/settings-service.js';
import { webcamSettings } from '../../timelapse/settings.js';
import { RpcError, type Params, type RpcCall, type RpcMethod, type RpcMethodContribution } from '../rpc.js';

/** a camera's stable id: the same printer and name give the same uid across restarts */
function uidOf(printer: string, name: string): string {
  const hex = createHash('sha1').update(`${printer}\0${name}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** a camera as Moonraker's webcam component describes it */
export function webcamItem(printer: string, camera: PrinterWebcam) {
  return {
    name: camera.name,
    location: 'printer',
    service: camera.service,
    enabled: camera.enabled,
    icon: 'mdiWebcam',
    target_fps: 15,
    target_fps_idle: 5,
    stream_url: camera.streamUrl,
    snapshot_url: camera.snapshotUrl,
    flip_horizontal: camera.flipH,
    flip_vertical: camera.flipV,
    rotation: camera.rotation,
    aspect_ratio: '4:3',
    extra_data: {},
    // 'database': editable in the clients (they lock Moonraker's config-file cameras)
    source: 'database',
    uid: uidOf(printer, camera.name),
  };
}

/**
 * The printer's cameras; a printer without any shows the host's camera (`webcam.streamUrl`,
 * `webcam.snapshotUrl`), as cuttle's own pages do, listed the way Moonraker lists a camera of its
 * config file: shown, not editable (adding one gives the printer a camera of its own).
 */
export function webcamList(scope: PrinterScope, settings: SettingsService) {
  const own = scope.entry.webcams ?? [];
  if (own.length > 0) return own.map((camera) => webcamItem(scope.id, camera));
  const { streamUrl, snapshotUrl } = settings.of(webcamSettings).get();
  if (!streamUrl && !snapshotUrl) return [];
  const host: PrinterWebcam = { name: 'webcam', streamUrl, snapshotUrl, service: streamUrl ? 'mjpegstreamer' : 'mjpegstreamer-adaptive', enabled: true, flipH: false, flipV: false, rotation: 0 };
  return [{ ...webcamItem(scope.id, host), source: 'config' }];
}

@injectable()
export class WebcamMethods implements RpcMethodContribution {
  constructor(
    @inject(PrinterRegistry) private readonly registry: PrinterRegistry,
    @inject(SettingsService) private readonly settings: SettingsService,
  ) {}

  methods(): Record<string, RpcMethod> {
    return {
      'server.webcams.list': { permission: 'STATUS', handle: (_p, call) => ({ webcams: webcamList(call.printer, this.settings) }) },
      'server.webcams.get_item': { permission: 'STATUS', handle: (params, call) => ({ webcam: webcamItem(call.printer.id, this.find(params, call, true)!) }) },
      'server.webcams.post_item': { permission: 'SETTINGS', handle: (params, call) => this.post(params, call) },
      'server.webcams.delete_item': {
        permission: 'SETTINGS',
        handle: async (params, call) => {
          const camera = this.find(params, call, true)!;
          await this.save(call, (call.printer.entry.webcams ?? []).filter((c) => c.name !== camera.name));
          return { webcam: webcamItem(call.printer.id, camera) };
        },
      },
    };
  }

  /** the camera `uid` (else `name`) names; 404 when `required` and there is none */
  private find(params: Params, call: RpcCall, required: boolean): PrinterWebcam | undefined {
    const cameras = call.printer.entry.webcams ?? [];
    const uid = params.optionalString('uid');
    const camera = uid !== undefined ? cameras.find((c) => uidOf(call.printer.id, c.name) === uid) : cameras.find((c) => c.name === params.string('name'));
    if (!camera && (required || uid !== undefined)) throw new RpcError(404, `Webcam ${(uid ?? params.string('name')).slice(0, 64)} not found`);
    return camera;
  }

  /** adds a camera, or changes the one `uid` or `name` names (a rename keeps its place) */
  private async post(params: Params, call: RpcCall) {
    const cameras = call.printer.entry.webcams ?? [];
    const existing = this.find(params, call, false);
    const name = params.optionalString('name') ?? existing?.name;
    if (name === undefined) throw new RpcError(-32602, 'No data for argument: name');
    if (name !== existing?.name && cameras.some((c) => c.name === name)) throw new RpcError(400, `A webcam named '${name.slice(0, 64)}' exists already`);
    const camera: PrinterWebcam = {
      name,
      streamUrl: params.optionalString('stream_url') ?? existing?.streamUrl ?? '',
      snapshotUrl: params.optionalString('snapshot_url') ?? existing?.snapshotUrl ?? '',
      service: params.optionalString('service') ?? existing?.service ?? 'mjpegstreamer-adaptive',
      enabled: params.boolean('enabled', existing?.enabled ?? true),
      flipH: params.boolean('flip_horizontal', existing?.flipH ?? false),
      flipV: params.boolean('flip_vertical', existing?.flipV ?? false),
      rotation: params.number('rotation', existing?.rotation ?? 0) as PrinterWebcam['rotation'],
    };
    await this.save(call, existing ? cameras.map((c) => (c === existing ? camera : c)) : [...cameras, camera]);
    return { webcam: webcamItem(call.printer.id, camera) };
  }

  /** through the registry: the entry checked (a bad URL or rotation is 400 naming it) and saved */
  private async save(call: RpcCall, webcams: PrinterWebcam[]): Promise<void> {
    try {
      await this.registry.update(call.printer.id, { webcams });
    } catch (err) {
      if (err instanceof PrinterRegistryError) throw new RpcError(err.status, err.message);
      throw err;
    }
  }
}
