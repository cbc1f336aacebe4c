/**
 * `server.*` methods that describe the host (identify, info, config, the temperature and console
 * stores), Moonraker's components cuttle has no counterpart for answered empty but true
 * (announcements, job queue), and `machine.*`.
 */
import os from 'node:os';
import { inject, injectable } from 'inversify';
import { AuthManager } from '../../auth/api.js';
import { CUTTLE_VERSION } from '../../common/version.js';
import { MoonrakerAccess } from '../access.js';
import { GCODE_STORE_SIZE } from '../printer-feed.js';
import { klippyMessage, klippyState } from '../printer-model.js';
import { MoonrakerPrinters } from '../printers.js';
import { procStats } from '../proc-stats.js';
import { BEFORE_SIGN_IN, NOT_SIGNED_IN, RPC_INVALID_PARAMS, RpcError, type RpcCall, type RpcMethod, type RpcMethodContribution } from '../rpc.js';
import { MoonrakerWebsocket } from '../websocket.js';

/** the Moonraker API version this surface follows */
export const API_VERSION = [1, 5, 0];

/**
 * `moonraker_version` in git-describe form, naming the Moonraker release that API version came with
 * and then cuttle's own: clients gate features on it (Mobileraker reads webcams from
 * server.webcams.list only from v0.8.0-80 on, and took "cuttle-…" for 0.0.0), and Fluidd and Mainsail
 * warn below their minimum.
 */
const MOONRAKER_VERSION = `v0.9.3-24-cuttle.${CUTTLE_VERSION}`;

/** the components server.info lists: each one's methods are served (clients initialise what is listed) */
const COMPONENTS = ['database', 'file_manager', 'klippy_apis', 'machine', 'data_store', 'proc_stats', 'history', 'job_queue', 'announcements', 'webcam', 'authorization'];

const TEMPERATURE_STORE_SIZE = 1200;

@injectable()
export class ServerMethods implements RpcMethodContribution {
  constructor(
    @inject(MoonrakerPrinters) private readonly printers: MoonrakerPrinters,
    @inject(MoonrakerWebsocket) private readonly websocket: MoonrakerWebsocket,
    @inject(MoonrakerAccess) private readonly access: MoonrakerAccess,
    @inject(AuthManager) private readonly auth: AuthManager,
  ) {}

  methods(): Record<string, RpcMethod> {
    return {
      'server.connection.identify': {
        permission: BEFORE_SIGN_IN,
        handle: (params, call) => {
          // Moonraker's login at the websocket's level: the connection then acts as that user or key
          const token = params.optionalString('access_token');
          const key = token === undefined ? params.optionalString('api_key') : undefined;
          if (token !== undefined || key !== undefined) {
            const principal = token !== undefined ? this.access.principalOfToken(token) : this.auth.authenticateKey(key!);
            if (!principal) throw new RpcError(401, 'Unauthorized');
            call.session.authenticate(principal);
          } else if (call.principal === NOT_SIGNED_IN) {
            // Moonraker's answer to a client that must log in: Fluidd then shows its login on this socket
            throw new RpcError(401, 'Unauthorized');
          }
          call.session.identify({
            client_name: params.string('client_name').slice(0, 100),
            version: params.string('version').slice(0, 100),
            type: params.string('type').slice(0, 20),
            url: params.string('url').slice(0, 500),
          });
          return { connection_id: call.connectionId };
        },
      },
      'server.info': { permission: 'STATUS', handle: (_p, call) => this.info(call) },
      'server.config': {
        permission: 'STATUS',
        handle: () => ({
          // KlipperScreen sizes its temperature graphs by data_store.temperature_store_size
          config: { server: { host: '0.0.0.0', port: 7125 }, file_manager: { enable_object_processing: false }, authorization: {}, data_store: { temperature_store_size: TEMPERATURE_STORE_SIZE, gcode_store_size: GCODE_STORE_SIZE } },
          orig: {},
          files: [],
        }),
      },
      'server.temperature_store': { permission: 'STATUS', handle: (_p, call) => this.temperatureStore(call) },
      'server.gcode_store': {
        permission: 'STATUS',
        handle: (params, call) => ({ gcode_store: this.printers.feed(call.printer.id)?.gcodeStore(params.integer('count', 100, 0, GCODE_STORE_SIZE)) ?? [] }),
      },
      'server.announcements.list': { permission: 'STATUS', handle: () => ({ entries: [], feeds: [] }) },
      'server.job_queue.status': { permission: 'STATUS', handle: () => ({ queued_jobs: [], queue_state: 'ready' }) },
      'machine.system_info': { permission: 'STATUS', handle: () => this.systemInfo() },
      'machine.proc_stats': {
        permission: 'STATUS',
        handle: () => {
          const stats = procStats(this.websocket.connectionCount);
          return { moonraker_stats: [stats.moonraker_stats], throttled_state: null, cpu_temp: null, network: {}, system_cpu_usage: stats.system_cpu_usage, system_memory: stats.system_memory, system_uptime: os.uptime(), websocket_connections: stats.websocket_connections };
        },
      },
    };
  }

  private info(call: RpcCall) {
    const state = klippyState(call.printer.printer.state.id);
    return {
      klippy_connected: true,
      klippy_state: state,
      components: COMPONENTS,
      failed_components: [],
      registered_directories: ['gcodes'],
      warnings: [],
      websocket_count: this.websocket.connectionCount,
      moonraker_version: MOONRAKER_VERSION,
      missing_klippy_requirements: [],
      api_version: API_VERSION,
      api_version_string: API_VERSION.join('.'),
      state_message: klippyMessage(call.printer),
    };
  }

  /** the printer's temperature history in Moonraker's shape: per sensor, oldest first, at most 1200 */
  private temperatureStore(call: RpcCall) {
    const history = call.printer.printer.temperatureHistory().slice(-TEMPERATURE_STORE_SIZE);
    const profile = this.printers.profileOf(call.printer);
    const sensors: Record<string, string> = {};
    for (let i = 0; i < profile.extruder.count; i++) sensors[i === 0 ? 'extruder' : `extruder${i}`] = `tool${i}`;
    if (profile.heatedBed) sensors['heater_bed'] = 'bed';
    const store: Record<string, { temperatures: number[]; targets: number[]; powers: number[] }> = {};
    for (const [name, key] of Object.entries(sensors)) {
      const samples = history.map((s) => s.heaters[key]);
      store[name] = {
        temperatures: samples.map((r) => r?.actual ?? 0),
        targets: samples.map((r) => r?.target ?? 0),
        powers: samples.map((r) => ((r?.target ?? 0) > 0 ? 1 : 0)),
      };
    }
    return store;
  }

  private systemInfo() {
    return {
      system_info: {
        cpu_info: { cpu_count: os.cpus().length, bits: '64bit', processor: os.arch(), cpu_desc: os.cpus()[0]?.model ?? '', serial_number: '', hardware_desc: '', model: '', total_memory: Math.round(os.totalmem() / 1024), memory_units: 'kB' },
        sd_info: {},
        distribution: { name: `${os.type()} ${os.release()}`, id: os.platform(), version: os.release(), version_parts: {}, like: '', codename: '' },
        available_services: [],
        instance_ids: { moonraker: 'cuttle', klipper: 'cuttle' },
        service_state: {},
        virtualization: { virt_type: 'none', virt_identifier: 'none' },
        python: { version: [], version_string: '' },
        network: {},
        canbus: {},
      },
    };
  }
}

/** a params value that must be one of a set of names */
export function oneOf<T extends string>(value: string, allowed: readonly T[], name: string): T {
  if (!(allowed as readonly string[]).includes(value)) throw new RpcError(RPC_INVALID_PARAMS, `Invalid value for argument ${name}: one of ${allowed.join(', ')}`);
  return value as T;
}
