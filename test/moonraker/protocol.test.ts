/**
 * Moonraker's JSON-RPC over the websocket of a printer's listen port: authentication at the upgrade,
 * the start-up methods Mainsail calls, batches, Moonraker's error codes (and the connection staying
 * open after each), subscriptions with only what changed, and G-code with Klipper's commands
 * translated, checked on what the simulator executed.
 */
import { expect } from 'chai';
import { PrinterRegistry } from '../../core/printers/printer-registry.js';
import { SettingsService } from '../../core/settings/settings-service.js';
import { waitFor } from '../support/wait.js';
import { RpcClient, startMoonrakerHost, type MoonrakerHost } from './support.js';

describe('moonraker: JSON-RPC protocol', function () {
  this.timeout(20_000);
  let h: MoonrakerHost;
  let rpc: RpcClient;
  let url: string;

  before(async () => {
    h = await startMoonrakerHost(['p1', 'p2']);
    url = `ws://127.0.0.1:${h.ports['p1']}/websocket`;
    await h.printer('p1').connect();
    rpc = await RpcClient.open(url, { 'X-Api-Key': h.t.apiKey });
  });
  after(async () => {
    rpc?.close();
    await h?.stop();
  });

  it('takes an upgrade without a key signed out (401 to its calls), takes ?token= with a key, and the main port serves the first printer', async () => {
    const signedOut = await RpcClient.open(url);
    expect((await signedOut.call('printer.info')).error?.code).to.equal(401);
    signedOut.close();
    const byToken = await RpcClient.open(`${url}?token=${h.t.apiKey}`);
    const main = await RpcClient.open(`${h.t.baseUrl.replace('http', 'ws')}/websocket`, { 'X-Api-Key': h.t.apiKey });
    const p2 = await RpcClient.open(`${h.t.baseUrl.replace('http', 'ws')}/printer/p2/websocket`, { 'X-Api-Key': h.t.apiKey });
    try {
      expect((await byToken.result('printer.info')).hostname).to.equal('Printer p1');
      expect((await main.result('printer.info')).hostname).to.equal(h.registry.first()!.entry.name);
      expect((await p2.result('printer.info')).hostname).to.equal('Printer p2');
      expect((await p2.result('server.info')).klippy_state).to.equal('shutdown');
    } finally {
      byToken.close();
      main.close();
      p2.close();
    }
  });

  it('answers the start-up methods from the printer’s state', async () => {
    expect(await rpc.result('server.connection.identify', { client_name: 'test', version: '1', type: 'web', url: 'x' })).to.have.property('connection_id');
    const info = await rpc.result('server.info');
    expect(info).to.include({ klippy_connected: true, klippy_state: 'ready' });
    expect(info.registered_directories).to.deep.equal(['gcodes']);
    expect((await rpc.result('printer.info')).state).to.equal('ready');
    expect(await rpc.result('server.webcams.list')).to.deep.equal({ webcams: [] });
    expect((await rpc.result('machine.system_info')).system_info.cpu_info.cpu_count).to.be.greaterThan(0);
    expect(await rpc.result('machine.proc_stats')).to.have.property('moonraker_stats');
    const objects = (await rpc.result('printer.objects.list')).objects as string[];
    expect(objects).to.include.members(['webhooks', 'toolhead', 'extruder', 'heater_bed', 'print_stats', 'configfile', 'gcode_move', 'fan', 'virtual_sdcard']);
    const query = await rpc.result('printer.objects.query', { objects: { toolhead: ['axis_maximum'], configfile: null } });
    expect(query.status.toolhead).to.deep.equal({ axis_maximum: [200, 200, 200, 99999] });
    expect(query.status.configfile.settings.extruder.max_temp).to.be.a('number');
    expect(query.eventtime).to.be.a('number');
    // the firmware's own limits, asked with M503 once a client wants the config (the simulator's Marlin answer)
    const settings = await waitFor(async () => {
      const s = (await rpc.result('printer.objects.query', { objects: { configfile: ['settings'] } })).status.configfile.settings;
      return s.stepper_x.steps_per_mm !== undefined ? s : null;
    }, 5000, 'configfile from M503');
    expect(settings.printer).to.include({ max_velocity: 300, max_accel: 1500, max_z_velocity: 5, max_z_accel: 100 });
    expect(settings.stepper_x.steps_per_mm).to.equal(80);
    expect(settings.extruder).to.include({ steps_per_mm: 93, max_extrude_only_velocity: 25, max_extrude_only_accel: 10000 });
    expect(settings.gcode_arcs).to.deep.equal({ resolution: 1 });
    expect((await rpc.result('printer.objects.query', { objects: { toolhead: ['max_velocity', 'max_accel'] } })).status.toolhead).to.deep.equal({ max_velocity: 300, max_accel: 1500 });
    expect(h.executed('p1').filter((c) => c === 'M503')).to.have.length(1);
  });

  it('answers a batch in one array, in order, errors in place', async () => {
    const seen = rpc.messages.length;
    rpc.ws.send(JSON.stringify([
      { jsonrpc: '2.0', method: 'server.database.post_item', params: { namespace: 'test', key: 'a.b', value: [1, 2] }, id: 'b1' },
      { jsonrpc: '2.0', method: 'no.such.method', id: 'b2' },
      { jsonrpc: '2.0', method: 'server.database.get_item', params: { namespace: 'test', key: 'a' }, id: 'b3' },
    ]));
    await waitFor(() => rpc.messages.slice(seen).find((m) => m.id === 'b3'));
    const answers = rpc.messages.slice(seen);
    expect(answers.map((m) => m.id)).to.deep.equal(['b1', 'b2', 'b3']);
    expect(answers[1]!.error!.code).to.equal(-32601);
    expect(answers[2]!.result).to.deep.equal({ namespace: 'test', key: 'a', value: { b: [1, 2] } });
  });

  it('refuses bad input with JSON-RPC errors and the connection stays open', async () => {
    expect((await rpc.raw('{not json', null)).error!.code).to.equal(-32700);
    expect((await rpc.call('server.does_not_exist')).error!.code).to.equal(-32601);
    expect((await rpc.call('printer.gcode.script', { script: 42 })).error!.code).to.equal(-32602);
    expect((await rpc.call('printer.objects.query', { objects: 'all' })).error!.code).to.equal(-32602);
    expect((await rpc.call('server.files.get_directory', { path: 'gcodes/../../etc' })).error!.code).to.equal(400);
    expect((await rpc.call('server.files.metadata', { filename: '../../etc/passwd' })).error!.code).to.equal(400);
    expect((await rpc.call('server.files.delete_file', { path: 'config/printer.cfg' })).error!.code).to.equal(400);
    expect((await rpc.call('printer.gcode.script', { script: 'PAUSE' })).error!.code).to.equal(409);
    expect((await rpc.call('printer.gcode.script', { script: 'SET_HEATER_TEMPERATURE HEATER=chamber TARGET=1' })).error!.code).to.equal(-32602);
    const huge = JSON.stringify(Array.from({ length: 10_000 }, (_, i) => ({ jsonrpc: '2.0', method: 'server.info', id: i })));
    const batch = await rpc.raw(huge, null);
    expect(batch.error!.code).to.equal(-32600);
    expect((await rpc.result('server.info')).klippy_state).to.equal('ready');
  });

  it('subscribes: the current values, then only what changed, with eventtime', async () => {
    const status = (await rpc.result('printer.objects.subscribe', { objects: { extruder: ['target', 'temperature'], toolhead: ['homed_axes'], gcode_move: null } })).status;
    expect(status.extruder.target).to.equal(0);
    expect(status.toolhead.homed_axes).to.equal('');
    const seen = rpc.messages.length;
    await rpc.result('printer.gcode.script', { script: 'SET_HEATER_TEMPERATURE HEATER=extruder TARGET=60' });
    const update = await waitFor(() => rpc.messages.slice(seen).find((m) => m.method === 'notify_status_update' && m.params![0].extruder?.target === 60));
    expect(update.params![1]).to.be.a('number');
    expect(Object.keys(update.params![0])).to.not.include('heater_bed');
    expect(Object.keys(update.params![0].extruder)).to.satisfy((keys: string[]) => keys.every((k) => ['target', 'temperature'].includes(k)));
    await waitFor(() => h.executed('p1').some((c) => /^M104\b.*S60/.test(c)), 5000, 'M104 S60 executed');
  });

  it('shows an OctoPrint client’s action: a target set through /api/printer/tool arrives as notify_status_update', async () => {
    await rpc.result('printer.objects.subscribe', { objects: { extruder: ['target'] } });
    const seen = rpc.messages.length;
    const res = await fetch(`http://127.0.0.1:${h.ports['p1']}/api/printer/tool`, {
      method: 'POST',
      headers: { 'X-Api-Key': h.t.apiKey, 'Content-Type': 'application/json' },
      body: JSON.stringify({ command: 'target', targets: { tool0: 65 } }),
    });
    expect(res.status).to.equal(204);
    await waitFor(() => rpc.messages.slice(seen).find((m) => m.method === 'notify_status_update' && m.params![0].extruder?.target === 65), 5000, 'extruder.target 65');
  });

  it('gives each client its own subscription’s fields, shared encodings notwithstanding', async () => {
    const same = await RpcClient.open(url, { 'X-Api-Key': h.t.apiKey });
    const bed = await RpcClient.open(url, { 'X-Api-Key': h.t.apiKey });
    try {
      await same.result('printer.objects.subscribe', { objects: { extruder: ['target'] } });
      await bed.result('printer.objects.subscribe', { objects: { heater_bed: ['target'] } });
      await rpc.result('printer.gcode.script', { script: 'SET_HEATER_TEMPERATURE HEATER=extruder TARGET=66\nSET_HEATER_TEMPERATURE HEATER=heater_bed TARGET=44' });
      await waitFor(() => same.notifications('notify_status_update').some((m) => m.params![0].extruder?.target === 66), 5000, 'extruder 66');
      await waitFor(() => bed.notifications('notify_status_update').some((m) => m.params![0].heater_bed?.target === 44), 5000, 'bed 44');
      expect(same.notifications('notify_status_update').every((m) => Object.keys(m.params![0]).join() === 'extruder')).to.equal(true);
      expect(bed.notifications('notify_status_update').every((m) => Object.keys(m.params![0]).join() === 'heater_bed')).to.equal(true);
    } finally {
      same.close();
      bed.close();
    }
  });

  it('runs a jog as Mainsail sends it: the host restores G90 and the feed rate, homing marks the axes', async () => {
    await rpc.result('printer.gcode.script', { script: 'G28' });
    await rpc.result('printer.gcode.script', { script: 'SAVE_GCODE_STATE NAME=_ui_movement\nG91\nG1 X10 F6000\nRESTORE_GCODE_STATE NAME=_ui_movement' });
    const executed = await waitFor(() => {
      const all = h.executed('p1');
      const g91 = all.lastIndexOf('G91');
      return g91 >= 0 && all.slice(g91).includes('G90') ? all.slice(g91) : null;
    }, 5000, 'G91 … G90 executed');
    expect(executed[1]).to.match(/^G1 X10/);
    const query = await rpc.result('printer.objects.query', { objects: { toolhead: ['homed_axes'], gcode_move: ['absolute_coordinates'] } });
    expect(query.status.toolhead.homed_axes).to.equal('xyz');
    // the position asked for after the move (M114, the printer idle)
    await waitFor(async () => (await rpc.result('printer.objects.query', { objects: { toolhead: ['position'] } })).status.toolhead.position[0] === 10, 5000, 'toolhead at X10');
    expect(query.status.gcode_move.absolute_coordinates).to.equal(true);
    // a move's feed rate as the model reads it from the line sent (any case, mm/min), shown in mm/s
    await rpc.result('printer.gcode.script', { script: 'G1 X12 f4200' });
    expect(h.executed('p1').some((line) => /^G1 X12 f4200/i.test(line))).to.equal(true);
    expect((await rpc.result('printer.objects.query', { objects: { gcode_move: ['speed'] } })).status.gcode_move.speed).to.equal(70);
  });

  it('answers a script once the printer has acknowledged its last line, within moonraker.scriptTimeout', async () => {
    await rpc.result('printer.gcode.script', { script: 'M117 first\nM117 done-marker' });
    // no waiting here: the answer came after the printer's "ok" for the last line
    expect(h.executed('p1').some((c) => c.includes('done-marker'))).to.equal(true);
    const settings = h.t.get<SettingsService>(SettingsService);
    settings.setMany([['moonraker.scriptTimeout', 1]]);
    try {
      // a dwell of 1.5 s (30 s at the simulator's speed factor of 20)
      expect((await rpc.call('printer.gcode.script', { script: 'G4 P30000' })).error!.code).to.equal(504);
    } finally {
      settings.setMany([['moonraker.scriptTimeout', 600]]);
    }
    await rpc.result('printer.gcode.script', { script: 'M400' });
  });

  it('passes other commands through and sends the printer’s lines as notify_gcode_response', async () => {
    const seen = rpc.messages.length;
    await rpc.result('printer.gcode.script', { script: 'M115' });
    await waitFor(() => rpc.messages.slice(seen).find((m) => m.method === 'notify_gcode_response' && /FIRMWARE_NAME/.test(m.params![0])));
    const store = (await rpc.result('server.gcode_store', { count: 50 })).gcode_store as { message: string; type: string }[];
    expect(store.some((e) => e.type === 'command' && e.message === 'M115')).to.equal(true);
    // position reports stay out of the console, except the answer to a client's own M114
    const reports = () => rpc.notifications('notify_gcode_response').filter((m) => /^X:/.test(m.params![0])).length;
    const before = reports();
    await rpc.result('printer.gcode.script', { script: 'M114' });
    expect(reports()).to.equal(before + 1);
  });

  it('keeps database items per printer, across a new connection', async () => {
    await rpc.result('server.database.post_item', { namespace: 'mainsail', key: 'general.printername', value: 'Left' });
    const again = await RpcClient.open(url, { 'X-Api-Key': h.t.apiKey });
    const other = await RpcClient.open(`ws://127.0.0.1:${h.ports['p2']}/websocket`, { 'X-Api-Key': h.t.apiKey });
    try {
      expect((await again.result('server.database.get_item', { namespace: 'mainsail' })).value).to.deep.equal({ general: { printername: 'Left' } });
      expect((await again.result('server.database.list')).namespaces).to.include('mainsail');
      expect((await other.call('server.database.get_item', { namespace: 'mainsail' })).error!.code).to.equal(404);
    } finally {
      again.close();
      other.close();
    }
    expect(h.t.get<PrinterRegistry>(PrinterRegistry).list().length).to.equal(2);
  });

  it('keeps the printer’s webcams in its entry: added, renamed, refused when wrong, deleted, announced', async () => {
    const other = await RpcClient.open(url, { 'X-Api-Key': h.t.apiKey });
    try {
      const added = (await rpc.result('server.webcams.post_item', { name: 'bed', stream_url: 'http://cam.local/stream', snapshot_url: '/webcam/test-pattern.jpg', rotation: 90 })).webcam;
      expect(added).to.include({ name: 'bed', stream_url: 'http://cam.local/stream', rotation: 90, service: 'mjpegstreamer-adaptive' });
      await waitFor(() => other.notifications('notify_webcams_changed').find((m) => m.params![0].webcams[0]?.name === 'bed'), 5000, 'notify_webcams_changed');
      expect(h.registry.get('p1')!.entry.webcams).to.deep.equal([{ name: 'bed', streamUrl: 'http://cam.local/stream', snapshotUrl: '/webcam/test-pattern.jpg', service: 'mjpegstreamer-adaptive', enabled: true, flipH: false, flipV: false, rotation: 90 }]);
      expect((await rpc.result('server.webcams.get_item', { uid: added.uid })).webcam.name).to.equal('bed');
      const renamed = (await rpc.result('server.webcams.post_item', { uid: added.uid, name: 'nozzle', flip_horizontal: true })).webcam;
      expect(renamed).to.include({ name: 'nozzle', stream_url: 'http://cam.local/stream', flip_horizontal: true });
      expect((await rpc.call('server.webcams.post_item', { name: 'x', stream_url: 'javascript:alert(1)' })).error!.code).to.equal(400);
      expect((await rpc.call('server.webcams.post_item', { name: 'x', stream_url: '//other.example/stream' })).error!.code).to.equal(400);
      expect((await rpc.call('server.webcams.post_item', { name: 'y', stream_url: '/s', rotation: 45 })).error!.code).to.equal(400);
      expect((await rpc.result('server.webcams.list')).webcams.map((c: { name: string }) => c.name)).to.deep.equal(['nozzle']);
      expect((await other.result('server.webcams.list')).webcams[0].uid).to.equal(renamed.uid);
      await rpc.result('server.webcams.delete_item', { name: 'nozzle' });
      expect(await rpc.result('server.webcams.list')).to.deep.equal({ webcams: [] });
      expect((await rpc.call('server.webcams.get_item', { name: 'nozzle' })).error!.code).to.equal(404);
      // without cameras of its own, the printer shows the host's, not editable
      const settings = h.t.get<SettingsService>(SettingsService);
      settings.setMany([['webcam.streamUrl', 'http://cam.local/host-stream']]);
      try {
        const { webcams } = await rpc.result('server.webcams.list');
        expect(webcams).to.have.length(1);
        expect(webcams[0]).to.include({ name: 'webcam', stream_url: 'http://cam.local/host-stream', source: 'config' });
      } finally {
        settings.setMany([['webcam.streamUrl', '']]);
      }
    } finally {
      other.close();
    }
  });

  it('sends a message at least every 10 s (notify_proc_stat_update)', async () => {
    const seen = rpc.messages.length;
    await waitFor(() => rpc.messages.slice(seen).find((m) => m.method === 'notify_proc_stat_update'), 5000);
  });
});

describe('moonraker: HTTP forms of the methods', function () {
  this.timeout(20_000);
  let h: MoonrakerHost;

  before(async () => {
    h = await startMoonrakerHost(['p1']);
    await h.printer('p1').connect();
  });
  after(async () => {
    await h?.stop();
  });

  async function call(base: string, method: string, path: string, key: string | null = h.t.apiKey): Promise<{ status: number; body: any }> {
    const res = await fetch(`${base}${path}`, { method, headers: key ? { 'X-Api-Key': key } : {} });
    return { status: res.status, body: await res.json() };
  }

  it('answers {result} on the listen port and the main port’s root, the code as the status on errors', async () => {
    const port = `http://127.0.0.1:${h.ports['p1']}`;
    expect((await call(port, 'GET', '/printer/info')).body.result.state).to.equal('ready');
    expect((await call(h.t.baseUrl, 'GET', '/printer/info')).body.result.hostname).to.equal('Printer p1');
    expect((await call(h.t.baseUrl, 'GET', '/printer/p1/printer/info')).body.result.hostname).to.equal('Printer p1');
    const query = await call(port, 'GET', '/printer/objects/query?toolhead=axis_maximum&webhooks');
    expect(query.body.result.status.toolhead).to.deep.equal({ axis_maximum: [200, 200, 200, 99999] });
    expect(query.body.result.status.webhooks.state).to.equal('ready');
    expect((await call(port, 'POST', '/server/database/item?namespace=fluidd&key=x&value=1')).status).to.equal(200);
    expect((await call(port, 'GET', '/server/database/item?namespace=fluidd&key=x')).body.result.value).to.equal('1');
    expect((await call(port, 'POST', '/printer/gcode/script?script=M104%20S42')).body.result).to.equal('ok');
    await waitFor(() => h.executed('p1').some((c) => /^M104\b.*S42/.test(c)), 5000, 'M104 S42 executed');
    expect((await call(port, 'GET', '/server/nothing/here')).status).to.equal(404);
    // nothing that acts answers a GET (a link from another site carries the session cookie)
    expect((await call(port, 'GET', '/printer/gcode/script?script=M112')).status).to.equal(405);
    expect((await call(port, 'GET', '/server/database/post_item?namespace=x&key=y&value=z')).status).to.equal(405);
    expect((await call(port, 'GET', '/server/info', null)).status).to.equal(401);
  });

  it('refuses a printer id that Moonraker’s /printer/… paths use', async () => {
    const refused = await fetch(`${h.t.baseUrl}/api/printers`, { method: 'POST', headers: { 'X-Api-Key': h.t.apiKey, 'Content-Type': 'application/json' }, body: JSON.stringify({ id: 'info' }) });
    expect(refused.status).to.equal(400);
    expect(await refused.text()).to.match(/Moonraker/);
  });
});

describe('moonraker: klippy state notifications (a RepRapFirmware printer)', function () {
  this.timeout(20_000);
  let h: MoonrakerHost;

  before(async () => {
    // RepRapFirmware refuses an unknown command with an "Error:" line and carries on
    h = await startMoonrakerHost(['p1'], {}, { firmware: 'reprapfirmware' });
  });
  after(async () => {
    await h?.stop();
  });

  it('says shutdown while the printer is offline; FIRMWARE_RESTART connects it and says ready; a disconnect says shutdown, a dropped connection disconnected', async () => {
    const rpc = await RpcClient.open(`ws://127.0.0.1:${h.ports['p1']}/websocket`, { 'X-Api-Key': h.t.apiKey });
    try {
      expect((await rpc.result('printer.info')).state).to.equal('shutdown');
      expect((await rpc.call('printer.gcode.script', { script: 'G28' })).error!.code).to.equal(503);
      await rpc.result('printer.gcode.script', { script: 'FIRMWARE_RESTART' });
      await waitFor(() => rpc.notifications('notify_klippy_ready').length === 1, 10_000, 'notify_klippy_ready');
      expect((await rpc.result('server.info')).klippy_state).to.equal('ready');
      await h.printer('p1').disconnect();
      await waitFor(() => rpc.notifications('notify_klippy_shutdown').length === 1, 5000, 'notify_klippy_shutdown');
      // a dropped connection is Klipper's lost klippy; webhooks says why, and FIRMWARE_RESTART brings it back
      await rpc.result('printer.gcode.script', { script: 'FIRMWARE_RESTART' });
      await waitFor(() => rpc.notifications('notify_klippy_ready').length === 2, 10_000, 'notify_klippy_ready again');
      await rpc.result('printer.objects.subscribe', { objects: { webhooks: null } });
      h.unplug('p1');
      await waitFor(() => rpc.notifications('notify_klippy_disconnected').length === 1, 5000, 'notify_klippy_disconnected');
      const webhooks = await waitFor(() => rpc.notifications('notify_status_update').find((m) => m.params![0].webhooks?.state === 'error'), 5000, 'webhooks error');
      expect(webhooks.params![0].webhooks.state_message).to.match(/disconnected/);
      await rpc.result('printer.gcode.script', { script: 'FIRMWARE_RESTART' });
      await waitFor(() => rpc.notifications('notify_klippy_ready').length === 3, 10_000, 'notify_klippy_ready after the drop');
      expect((await rpc.result('printer.objects.query', { objects: { webhooks: ['state'] } })).status.webhooks.state).to.equal('ready');
    } finally {
      rpc.close();
    }
  });

  it('answers a line the firmware refuses with a JSON-RPC error carrying its message; the printer stays ready', async () => {
    const rpc = await RpcClient.open(`ws://127.0.0.1:${h.ports['p1']}/websocket`, { 'X-Api-Key': h.t.apiKey });
    try {
      const refused = await rpc.call('printer.gcode.script', { script: 'G92 E0\nNOT_A_COMMAND' });
      expect(refused.error).to.deep.equal({ code: 400, message: 'NOT_A_COMMAND: Command is not supported' });
      expect(h.executed('p1')).to.include('NOT_A_COMMAND');
      expect((await rpc.result('server.info')).klippy_state).to.equal('ready');
      expect(await rpc.result('printer.gcode.script', { script: 'G92 E0' })).to.equal('ok');
      // RepRapFirmware's M503 prints config.g: feed rates in mm/min, heater limits with M143
      const settings = await waitFor(async () => {
        const s = (await rpc.result('printer.objects.query', { objects: { configfile: ['settings'] } })).status.configfile.settings;
        return s.stepper_x.steps_per_mm !== undefined ? s : null;
      }, 5000, 'configfile from M503');
      expect(settings.printer).to.include({ max_velocity: 200, max_accel: 1200, max_z_velocity: 10 });
      expect(settings.extruder.max_temp).to.equal(270);
      expect(settings.heater_bed.max_temp).to.equal(110);
    } finally {
      rpc.close();
    }
  });
});
