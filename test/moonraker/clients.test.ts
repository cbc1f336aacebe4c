/**
 * Conformance with the Moonraker clients we did not write, read from their source: each client's
 * start-up sequence replayed against a printer's listen port, and every answer checked for the
 * fields that client's code dereferences, with the types its code assumes (shapes.ts):
 * - Fluidd (store/socket, store/server, store/printer actions; also run for real: fluidd.browser.ts);
 * - Mobileraker (Dart: KlipperInstance, PrinterBuilder, ConfigFile and its config DTOs, file and
 *   history DTOs, which throw on a missing required field);
 * - KlipperScreen (screen.py, ks_includes/printer.py: the config sections it counts devices by);
 * - Home Assistant's Moonraker integration (over the moonraker-api library: X-Api-Key on the upgrade);
 * - Obico for Klipper (moonraker-obico: REST probes with X-Api-Key, a websocket agent);
 * - the slicers: PrusaSlicer and OrcaSlicer reach Moonraker through their OctoPrint host type
 *   (GET /api/version, POST /api/files/local), Cura's Moonraker plugin through POST /server/files/upload.
 * Actions are checked on what the simulator executed.
 */
import { expect } from 'chai';
import { gcodeFile, waitForState } from '../farm-surface/support.js';
import { waitFor } from '../support/wait.js';
import { expectShape, type Shape } from './shapes.js';
import { RpcClient, startMoonrakerHost, type MoonrakerHost } from './support.js';

const SERVER_INFO: Shape = { klippy_connected: 'boolean', klippy_state: 'string', components: 'string[]', failed_components: 'array', registered_directories: 'string[]', warnings: 'string[]', moonraker_version: 'string', websocket_count: 'number', api_version: 'number[]' };
const GCODE_STORE: Shape = { gcode_store: [{ message: 'string', time: 'number', type: 'string' }] };
const TEMPERATURE_STORE: Shape = { extruder: { temperatures: 'number[]', targets: 'number[]', powers: 'number[]' }, heater_bed: { temperatures: 'number[]', targets: 'number[]', powers: 'number[]' } };
const DIRECTORY: Shape = { dirs: [{ dirname: 'string', modified: 'number', size: 'int', permissions: 'string' }], files: [{ filename: 'string', modified: 'number', size: 'int', permissions: 'string' }], disk_usage: { total: 'number', used: 'number', free: 'number' }, root_info: { name: 'string', permissions: 'string' } };

describe('moonraker: the clients we did not write (conformance from their source)', function () {
  this.timeout(20_000);
  let h: MoonrakerHost;
  let base: string;
  let ws: string;
  const key = () => ({ 'X-Api-Key': h.t.apiKey });

  before(async () => {
    h = await startMoonrakerHost(['p1']);
    base = `http://127.0.0.1:${h.ports['p1']}`;
    ws = `ws://127.0.0.1:${h.ports['p1']}/websocket`;
    await h.printer('p1').connect();
  });
  after(async () => {
    await h?.stop();
  });

  it('the slicers: PrusaSlicer/OrcaSlicer’s OctoPrint host type and Cura’s Moonraker plugin upload, and print', async () => {
    // OctoPrint::test: an `api` field and a text starting "OctoPrint", or the host is refused
    const version = (await (await fetch(`${base}/api/version`, { headers: key() })).json()) as { api?: string; text?: string };
    expect(version.api).to.be.a('string');
    expect(version.text).to.match(/^OctoPrint/);
    const octo = new FormData();
    octo.append('print', 'false');
    octo.append('path', '');
    octo.append('file', new Blob([gcodeFile('slicer-octo', 50)]), 'slicer-octo.gcode');
    expect((await fetch(`${base}/api/files/local`, { method: 'POST', body: octo, headers: key() })).status).to.equal(201);
    // Cura's Moonraker plugin: GET printer/info (state 'ready' to print), then the file part first, named
    // with a leading slash, and root and print after it
    const cura = { 'X-API-Key': h.t.apiKey, 'User-Agent': 'Cura Plugin Moonraker' };
    expect((((await (await fetch(`${base}/printer/info`, { headers: cura })).json()) as { result: { state: string } }).result.state)).to.equal('ready');
    expectShape('GET /server/info', ((await (await fetch(`${base}/server/info`, { headers: cura })).json()) as { result: unknown }).result, SERVER_INFO);
    const form = new FormData();
    form.append('file', new Blob([gcodeFile('slicer-moonraker', 50)], { type: 'application/octet-stream' }), '/slicer-moonraker.gcode');
    form.append('root', 'gcodes');
    form.append('print', 'true');
    const res = await fetch(`${base}/server/files/upload`, { method: 'POST', body: form, headers: cura });
    expect(res.status).to.equal(201);
    expectShape('upload', ((await res.json()) as { result: unknown }).result, { item: { path: 'string', root: 'string' }, print_started: 'boolean', action: 'string' });
    // the print ran to its end: the simulator executed the file's moves, and the job is in the history
    expect(h.printer('p1').snapshot().job?.path).to.equal('slicer-moonraker.gcode');
    await waitFor(() => h.executed('p1').includes('G1 X0 Y0 E1 F3000'), 10_000, 'the uploaded file printed');
    await waitForState(h.printer('p1'), 'OPERATIONAL', 10_000);
  });

  it('Fluidd’s start-up: identify, its settings, server and printer info, its components, subscribe', async () => {
    const rpc = await RpcClient.open(ws, key());
    try {
      expectShape('fluidd identify', await rpc.result('server.connection.identify', { client_name: 'fluidd', version: '1.37.4-192279a', type: 'web', url: 'https://github.com/fluidd-core/fluidd' }), { connection_id: 'number' });
      // a namespace never written: Moonraker's 404, after which Fluidd creates each root
      expect((await rpc.call('server.database.get_item', { namespace: 'fluidd' })).error?.code).to.equal(404);
      await rpc.result('server.database.post_item', { namespace: 'fluidd', key: 'uiSettings', value: {} });
      expectShape('fluidd database', await rpc.result('server.database.get_item', { namespace: 'fluidd' }), { value: { uiSettings: 'object' } });
      const info = await rpc.result('server.info');
      expectShape('fluidd server.info', info, SERVER_INFO);
      expect(info.components).to.include.members(['authorization', 'history', 'database', 'announcements', 'webcam', 'job_queue']);
      expectShape('fluidd server.config', await rpc.result('server.config'), { config: 'object' });
      expectShape('fluidd proc_stats', await rpc.result('machine.proc_stats'), { moonraker_stats: [{ time: 'number', cpu_usage: 'number', memory: 'number', mem_units: 'string' }], system_cpu_usage: 'object', websocket_connections: 'number' });
      expectShape('fluidd system_info', await rpc.result('machine.system_info'), { system_info: { cpu_info: { cpu_count: 'number', total_memory: 'number' }, distribution: { name: 'string' }, available_services: 'string[]', service_state: 'object', instance_ids: 'object' } });
      expectShape('fluidd printer.info', await rpc.result('printer.info'), { state: 'string', state_message: 'string', software_version: 'string', hostname: 'string' });
      // each component listed in server.info is initialised: auth, history, database, announcements, webcams, job queue
      expectShape('fluidd access.get_user', await rpc.result('access.get_user'), { username: 'string', source: 'string' });
      expectShape('fluidd access.users.list', await rpc.result('access.users.list'), { users: [{ username: 'string', source: 'string' }] });
      expect(await rpc.result('access.get_api_key')).to.equal(h.t.apiKey);
      expectShape('fluidd history', await rpc.result('server.history.list', { limit: 50 }), { count: 'number', jobs: 'array' });
      expectShape('fluidd totals', await rpc.result('server.history.totals'), { job_totals: { total_jobs: 'number', total_time: 'number', total_print_time: 'number', total_filament_used: 'number', longest_job: 'number', longest_print: 'number' } });
      expectShape('fluidd database.list', await rpc.result('server.database.list'), { namespaces: 'string[]' });
      expectShape('fluidd announcements', await rpc.result('server.announcements.list'), { entries: 'array', feeds: 'array' });
      expectShape('fluidd webcams', await rpc.result('server.webcams.list'), { webcams: 'array' });
      expectShape('fluidd job queue', await rpc.result('server.job_queue.status'), { queued_jobs: 'array', queue_state: 'string' });
      expectShape('fluidd directory', await rpc.result('server.files.get_directory', { path: 'gcodes', extended: true }), DIRECTORY);
      // everything printer.objects.list names, subscribed
      const objects = (await rpc.result('printer.objects.list')).objects as string[];
      const sub = await rpc.result('printer.objects.subscribe', { objects: Object.fromEntries(objects.map((o) => [o, null])) });
      expectShape('fluidd subscribe', sub, {
        eventtime: 'number',
        status: {
          webhooks: { state: 'string', state_message: 'string' },
          toolhead: { homed_axes: 'string', position: 'number[]', axis_minimum: 'number[]', axis_maximum: 'number[]', max_velocity: 'number', max_accel: 'number', extruder: 'string' },
          gcode_move: { speed_factor: 'number', extrude_factor: 'number', homing_origin: 'number[]', gcode_position: 'number[]', absolute_coordinates: 'boolean' },
          print_stats: { state: 'string', filename: 'string', print_duration: 'number', total_duration: 'number', filament_used: 'number', info: 'object' },
          virtual_sdcard: { progress: 'number', is_active: 'boolean', file_position: 'number' },
          extruder: { temperature: 'number', target: 'number', power: 'number' },
          heater_bed: { temperature: 'number', target: 'number', power: 'number' },
          heaters: { available_heaters: 'string[]', available_sensors: 'string[]' },
          fan: { speed: 'number' },
          configfile: { config: { printer: { kinematics: 'string' } }, settings: { printer: { kinematics: 'string' }, extruder: { max_temp: 'number', min_temp: 'number' } }, warnings: 'array', save_config_pending: 'boolean' },
        },
      });
      // Fluidd's getPrinterWarnings: each of these missing from configfile.config is a warning banner
      expect(sub.status.configfile.config).to.include.keys('virtual_sdcard', 'pause_resume', 'display_status', 'gcode_macro CANCEL_PRINT');
      expectShape('fluidd gcode_store', await rpc.result('server.gcode_store'), GCODE_STORE);
      expect(Object.values(await rpc.result('printer.gcode.help')).every((v) => typeof v === 'string')).to.equal(true);
      expectShape('fluidd temperature_store', await rpc.result('server.temperature_store'), TEMPERATURE_STORE);
    } finally {
      rpc.close();
    }
  });

  it('Mobileraker’s start-up: its DTOs’ required fields, the config it refuses to build a printer without, files and history', async () => {
    const rpc = await RpcClient.open(ws, key());
    try {
      await rpc.result('server.connection.identify', { client_name: 'Mobileraker-android', version: '2.9.0-1', type: 'mobile', url: 'www.mobileraker.com', api_key: h.t.apiKey });
      const info = await rpc.result('server.info');
      expectShape('mobileraker server.info', info, SERVER_INFO);
      // MoonrakerVersion.fromString: v<major.minor.patch>-<commits>-<hash>, or 0.0.0; from 0.8.0-80 on it
      // reads webcams from server.webcams.list, not its legacy database namespace
      const [, major, minor, patch, commits] = /^v(\d+)\.(\d+)\.(\d+)-(\d+)-/.exec(info.moonraker_version)!.map(Number);
      expect([major, minor, patch, commits]).to.satisfy(([a, b, c, d]: number[]) => a! > 0 || b! > 8 || (b === 8 && (c! > 0 || d! >= 80)));
      // KlipperState's values: another would fail the enum
      expect(['ready', 'error', 'shutdown', 'startup', 'disconnected']).to.include(info.klippy_state);
      expect(['ready', 'error', 'shutdown', 'startup', 'disconnected']).to.include((await rpc.result('printer.info')).state);
      const objects = (await rpc.result('printer.objects.list')).objects as string[];
      const { status } = await rpc.result('printer.objects.query', { objects: Object.fromEntries(objects.map((o) => [o, null])) });
      // PrinterBuilder.build() throws without these four
      expect(status).to.include.keys('toolhead', 'gcode_move', 'print_stats', 'configfile');
      expect(status.toolhead.homed_axes).to.match(/^[xyz]*$/);
      expect(['standby', 'printing', 'paused', 'complete', 'cancelled', 'error']).to.include(status.print_stats.state);
      expectShape('mobileraker objects', status, {
        toolhead: { position: 'number[]', extruder: 'string', max_velocity: 'number', max_accel: 'number' },
        gcode_move: { homing_origin: 'number[]', position: 'number[]', gcode_position: 'number[]' },
        motion_report: { live_position: 'number[]', live_velocity: 'number', live_extruder_velocity: 'number' },
        virtual_sdcard: { progress: 'number', is_active: 'boolean', file_position: 'int' },
        display_status: { progress: 'number' },
        print_stats: { total_duration: 'number', print_duration: 'number', filament_used: 'number', message: 'string', filename: 'string', info: { total_layer: '?number', current_layer: '?number' } },
        // ConfigFile.parse: ConfigPrinter, ConfigExtruder, ConfigHeaterBed, ConfigStepper (required, non-null)
        configfile: {
          settings: {
            printer: { kinematics: 'string' },
            extruder: { nozzle_diameter: 'number', max_extrude_only_distance: 'number', min_temp: 'number', min_extrude_temp: 'number', max_temp: 'number', filament_diameter: 'number' },
            heater_bed: { min_temp: 'number', max_temp: 'number' },
            stepper_x: { position_min: 'number', position_max: 'number' },
            stepper_y: { position_min: 'number', position_max: 'number' },
            stepper_z: { position_min: 'number', position_max: 'number' },
          },
          save_config_pending: 'boolean',
        },
      });
      expectShape('mobileraker gcode_store', await rpc.result('server.gcode_store', { count: 200 }), GCODE_STORE);
      expectShape('mobileraker roots', await rpc.result('server.files.roots'), [{ name: 'string', path: 'string', permissions: 'string' }]);
      expectShape('mobileraker directory', await rpc.result('server.files.get_directory', { path: 'gcodes', extended: true }), DIRECTORY);
      // GCodeFile.fromJson: filename, modified, size (int) required
      expectShape('mobileraker metadata', await rpc.result('server.files.metadata', { filename: 'slicer-moonraker.gcode' }), { filename: 'string', modified: 'number', size: 'int', thumbnails: 'array' });
      // HistoricalPrintJob: every field required; end_time a date for a finished job
      const history = await rpc.result('server.history.list', { limit: 50 });
      const finished = history.jobs.filter((j: { status: string }) => j.status !== 'in_progress');
      expect(finished.length).to.be.greaterThan(0);
      expectShape('mobileraker history', finished, [{ job_id: 'string', user: 'string', filename: 'string', status: 'string', start_time: 'number', end_time: 'number', print_duration: 'number', total_duration: 'number', filament_used: 'number', metadata: 'object', auxiliary_data: 'array', exists: 'boolean' }]);
      // WebcamInfo: uid, name, service, stream_url and snapshot_url (parsed as URIs) required
      await rpc.result('server.webcams.post_item', { name: 'bench', stream_url: '/webcam/?action=stream', service: 'mjpegstreamer-adaptive' });
      expectShape('mobileraker webcams', (await rpc.result('server.webcams.list')).webcams, [{ uid: 'string', name: 'string', service: 'string', stream_url: 'string', snapshot_url: 'string', enabled: 'boolean', target_fps: 'int', rotation: 'int', flip_horizontal: 'boolean', flip_vertical: 'boolean' }]);
      expectShape('mobileraker system_info', await rpc.result('machine.system_info'), { system_info: { available_services: 'string[]', service_state: 'object' } });
    } finally {
      rpc.close();
    }
  });

  it('KlipperScreen’s start-up: ?token= with the key, the config sections it counts devices by, its subscription', async () => {
    const rpc = await RpcClient.open(`${ws}?token=${h.t.apiKey}`, key());
    try {
      await rpc.result('server.connection.identify', { client_name: 'KlipperScreen', version: 'v0.4.6', type: 'display', url: 'https://github.com/KlipperScreen/KlipperScreen', api_key: h.t.apiKey });
      const info = await rpc.result('server.info');
      expect(info.klippy_connected).to.equal(true);
      expectShape('klipperscreen printer.info', await rpc.result('printer.info'), { software_version: 'string', state: 'string' });
      // Printer.reinit: tools are config sections named extruder*, heaters heater_bed/heater_generic, fans [fan]
      const config = (await rpc.result('printer.objects.query', { objects: { configfile: null } })).status.configfile.config;
      expect(config).to.include.keys('extruder', 'heater_bed', 'fan');
      expectShape('klipperscreen objects.list', await rpc.result('printer.objects.list'), { objects: 'string[]' });
      expectShape('klipperscreen server.config', await rpc.result('server.config'), { config: { data_store: { temperature_store_size: 'number' } } });
      expectShape('klipperscreen system_info', await rpc.result('machine.system_info'), { system_info: 'object' });
      expectShape('klipperscreen temperature_store', await rpc.result('server.temperature_store'), TEMPERATURE_STORE);
      const sub = await rpc.result('printer.objects.subscribe', {
        objects: {
          toolhead: ['homed_axes', 'estimated_print_time', 'print_time', 'position', 'extruder', 'max_accel', 'max_velocity', 'square_corner_velocity'],
          print_stats: ['print_duration', 'total_duration', 'filament_used', 'filename', 'state', 'message', 'info'],
          virtual_sdcard: ['file_position', 'is_active', 'progress'],
          webhooks: ['state', 'state_message'],
          extruder: ['target', 'temperature', 'pressure_advance', 'smooth_time', 'power'],
          heater_bed: ['target', 'temperature', 'power'],
          fan: ['speed'],
          idle_timeout: ['state'],
          pause_resume: ['is_paused'],
          // objects a Klipper config may have and this printer has not: left out, as Klipper does
          bed_mesh: ['profile_name', 'mesh_max', 'mesh_min', 'probed_matrix', 'profiles'],
          firmware_retraction: ['retract_length', 'retract_speed'],
          exclude_object: ['current_object', 'objects', 'excluded_objects'],
          manual_probe: ['is_active'],
        },
      });
      expect(sub.status).to.not.have.any.keys('bed_mesh', 'firmware_retraction', 'exclude_object', 'manual_probe');
      expectShape('klipperscreen subscribe', sub.status, { toolhead: { homed_axes: 'string', position: 'number[]', extruder: 'string' }, print_stats: { state: 'string', filename: 'string', info: 'object' }, extruder: { target: 'number', temperature: 'number', pressure_advance: 'number' }, heater_bed: { target: 'number', temperature: 'number' }, fan: { speed: 'number' }, idle_timeout: { state: 'string' }, pause_resume: { is_paused: 'boolean' } });
      // its console panel and the REST pages it opens (with x-api-key)
      expectShape('klipperscreen gcode_store', await rpc.result('server.gcode_store', { count: 100 }), GCODE_STORE);
      const rest = (await (await fetch(`${base}/machine/system_info`, { headers: key() })).json()) as { result: unknown };
      expectShape('klipperscreen GET /machine/system_info', rest.result, { system_info: 'object' });
      // its temperature buttons: SET_HEATER_TEMPERATURE, M140 as Klipper takes them
      await rpc.result('printer.gcode.script', { script: 'SET_HEATER_TEMPERATURE HEATER=extruder TARGET=42' });
      await waitFor(() => h.executed('p1').some((c) => /^M104\b.*S42\b/.test(c)), 5000, 'M104 S42 executed');
      // KlippyWebsocket.on_message reads params[0] whenever a notification has `params`: Moonraker sends
      // klippy's state changes without any, and an empty list raised there, losing the notification
      await h.printer('p1').disconnect();
      await waitFor(() => rpc.notifications('notify_klippy_shutdown').length > 0, 5000, 'notify_klippy_shutdown');
      await h.printer('p1').connect();
      await waitFor(() => rpc.notifications('notify_klippy_ready').length > 0, 10_000, 'notify_klippy_ready');
      for (const m of rpc.messages.filter((m) => m.method !== undefined)) expect(m.params === undefined || m.params.length > 0, `${m.method} with params ${JSON.stringify(m.params)}`).to.equal(true);
    } finally {
      rpc.close();
    }
  });

  it('Obico for Klipper (moonraker-obico): its REST probes, identify as an agent, subscribe, and its jog, home and heater scripts', async () => {
    const get = async (path: string) => {
      const res = await fetch(`${base}/${path}`, { headers: key() });
      // it reads resp.json() even when it does not raise for the status
      return { status: res.status, body: (await res.json()) as { result?: any; error?: unknown } };
    };
    expect((await get('server/info')).body.result.klippy_state).to.equal('ready');
    const rpc = await RpcClient.open(ws, key());
    try {
      await rpc.result('server.connection.identify', { client_name: 'Obico', version: '2.1.0', type: 'agent', url: 'https://obico.io', api_key: h.t.apiKey });
      // a Klippy-only method: refused, and the connection goes on
      expect((await rpc.call('connection.register_remote_method', { method_name: 'obico_remote_event' })).error).to.not.equal(undefined);
      const available = (await get('printer/objects/list')).body.result.objects as string[];
      const wanted: Record<string, string[] | null> = { print_stats: ['state', 'message', 'filename', 'info'], webhooks: ['state', 'state_message'], gcode_move: ['speed_factor', 'extrude_factor'], fan: ['speed'] };
      const sub = await rpc.result('printer.objects.subscribe', { objects: Object.fromEntries(Object.entries(wanted).filter(([name]) => available.includes(name))) });
      expectShape('obico subscribe', sub.status, { print_stats: { state: 'string', filename: 'string', info: 'object' }, webhooks: { state: 'string' }, gcode_move: { speed_factor: 'number', extrude_factor: 'number' }, fan: { speed: 'number' } });
      // requests' `heaters=` → `?heaters=`: the whole object
      expectShape('obico heaters', (await get('printer/objects/query?heaters=')).body.result.status, { heaters: { available_heaters: 'string[]' } });
      expect((await get('server/database/item?namespace=mainsail&key=presets')).body.result).to.equal(undefined);
      expect((await get('machine/update/status?refresh=false')).body.result).to.equal(undefined);
      expectShape('obico history', (await get('server/history/list?order=desc&limit=1')).body.result, { jobs: 'array' });
      const { status } = await rpc.result('printer.objects.query', { objects: { webhooks: null, print_stats: null, virtual_sdcard: null, display_status: null, heaters: null, toolhead: null, extruder: null, gcode_move: null, 'gcode_macro _OBICO_LAYER_CHANGE': null, fan: null, heater_bed: null } });
      expectShape('obico status', status, { print_stats: { state: 'string', print_duration: 'number', total_duration: 'number', filament_used: 'number' }, virtual_sdcard: { progress: 'number', file_position: 'number' }, gcode_move: { gcode_position: 'number[]', speed: 'number' }, extruder: { temperature: 'number', target: 'number' }, heater_bed: { temperature: 'number', target: 'number' } });
      // request_home, request_jog (relative: no G90 after), request_set_temperature
      await rpc.result('printer.gcode.script', { script: 'G28 X0 Y0' });
      await rpc.result('printer.gcode.script', { script: 'G91\nG0 X10 F6000' });
      await rpc.result('printer.gcode.script', { script: 'SET_HEATER_TEMPERATURE HEATER=heater_bed TARGET=50' });
      await waitFor(() => h.executed('p1').some((c) => /^M140\b.*S50\b/.test(c)), 5000, 'M140 S50 executed');
      const executed = h.executed('p1');
      expect(executed).to.include.members(['G28 X0 Y0', 'G91', 'G0 X10 F6000']);
      await rpc.result('printer.gcode.script', { script: 'G90' });
    } finally {
      rpc.close();
    }
  });

  it('Home Assistant’s integration (moonraker-api): X-Api-Key upgrade, printer.info, its polled query, history and queue sensors', async () => {
    const rpc = await RpcClient.open(ws, key());
    try {
      expectShape('ha printer.info', await rpc.result('printer.info'), { hostname: 'string', state: 'string' });
      expectShape('ha objects.list', await rpc.result('printer.objects.list'), { objects: 'string[]' });
      const { status } = await rpc.result('printer.objects.query', {
        objects: { display_status: ['message', 'progress'], fan: ['rpm', 'speed'], gcode_move: ['speed'], idle_timeout: ['state'], motion_report: ['live_velocity'], print_stats: null, system_stats: ['memavail', 'sysload'], toolhead: ['position'], virtual_sdcard: ['file_path', 'file_position', 'progress'], extruder: null, heater_bed: null },
      });
      expectShape('ha objects', status, { display_status: { progress: 'number' }, gcode_move: { speed: 'number' }, idle_timeout: { state: 'string' }, motion_report: { live_velocity: 'number' }, print_stats: { state: 'string', filename: 'string', print_duration: 'number', total_duration: 'number', filament_used: 'number' }, toolhead: { position: 'number[]' }, virtual_sdcard: { progress: 'number', file_position: 'number' }, extruder: { temperature: 'number', target: 'number', power: 'number' }, heater_bed: { temperature: 'number', target: 'number' } });
      // calculate_memory_used: (total_memory - memavail) / total_memory, both in kB
      const system = (await rpc.result('machine.system_info')).system_info;
      expect(status.system_stats.memavail).to.be.greaterThan(0).and.at.most(system.cpu_info.total_memory);
      expect(status.system_stats.sysload).to.be.a('number');
      expectShape('ha totals', await rpc.result('server.history.totals'), { job_totals: { total_jobs: 'number', total_print_time: 'number', total_filament_used: 'number', longest_print: 'number' } });
      expectShape('ha queue', await rpc.result('server.job_queue.status'), { queue_state: 'string', queued_jobs: 'array' });
      expectShape('ha metadata', await rpc.result('server.files.metadata', { filename: 'slicer-moonraker.gcode' }), { thumbnails: 'array' });
      // an update manager cuttle has not: an error answer, which the integration checks for (result.error)
      expect((await rpc.call('machine.update.status')).error?.code).to.equal(-32601);
    } finally {
      rpc.close();
    }
  });
});
