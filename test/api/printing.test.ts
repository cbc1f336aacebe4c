/**
 * The REST API with the real PrinterService on the in-process simulator: PrusaSlicer's upload flow
 * byte for byte (print=true starts the print), /api/connection, /api/job, /api/printer, the
 * selection events, deleting the file being printed (409), and upload to the SD card with
 * TransferStarted/TransferDone.
 */
import { expect } from 'chai';
import http from 'node:http';
import { PrinterService } from '../../core/printer/printer-service.js';
import type { TestHost } from '../support/host.js';
import { fastSerial, typicalLines } from '../printer/helpers.js';
import { api, multipart, SMALL_GCODE, startApiHost, uploadForm, type Api } from './support.js';
import { waitFor } from '../support/wait.js';
import { recordEvents } from '../support/events.js';
import { PrinterRegistry } from '../../core/printers/printer-registry.js';

/** Sends a request as libcurl does for PrusaSlicer (Expect: 100-continue, its boundary style). */
function rawPost(url: string, headers: Record<string, string>, body: Buffer): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { ...headers, 'Content-Length': String(body.length) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') }));
    });
    req.on('error', reject);
    // like curl: send the body after the server's 100 Continue
    req.on('continue', () => req.end(body));
  });
}

describe('REST API with the simulated printer', function () {
  let t: TestHost;
  let call: Api;
  let printer: PrinterService;
  let rec: ReturnType<typeof recordEvents>;

  before(async () => {
    t = await startApiHost({ config: fastSerial({ motion: true, speedFactor: 50 }) });
    call = api(t);
    printer = t.get<PrinterRegistry>(PrinterRegistry).first()!.printer;
    rec = recordEvents(t);
  });
  after(async () => {
    await printer?.disconnect().catch(() => undefined);
    await t?.stop();
  });

  it('connects through POST /api/connection and answers /api/connection and /api/printer like OctoPrint', async () => {
    const offline = await call('GET', '/api/printer');
    expect(offline.status).to.equal(409);
    expect((await call('POST', '/api/connection', { body: { command: 'connect', port: 'virtual', baudrate: 250000 } })).status).to.equal(204);
    await waitFor(() => printer.state.id === 'OPERATIONAL');
    const connection = await call('GET', '/api/connection');
    expect(connection.json.current).to.deep.equal({ state: 'Operational', port: 'virtual', baudrate: 250000, printerProfile: '_default' });
    const state = await call('GET', '/api/printer');
    expect(state.status).to.equal(200);
    expect(state.json.state.text).to.equal('Operational');
    expect(state.json.state.flags).to.include({ operational: true, ready: true, printing: false, closedOrError: false, error: false });
    expect(state.json.sd).to.deep.equal({ ready: true });
    expect((await call('POST', '/api/printer/tool', { body: { command: 'target', targets: { tool0: 205 } } })).status).to.equal(204);
    expect((await call('POST', '/api/printer/bed', { body: { command: 'target', target: 60 } })).status).to.equal(204);
    expect((await call('POST', '/api/printer/tool', { body: { command: 'target', targets: { tool0: 9999 } } })).status).to.equal(400);
    expect((await call('POST', '/api/printer/command', { body: { commands: ['M105', 'G28 X'] } })).status).to.equal(204);
    await waitFor(() => printer.snapshot().temperatures.tool0?.target === 205);
    const temperature = (await call('GET', '/api/printer')).json.temperature;
    expect(temperature.tool0).to.have.keys('actual', 'target', 'offset');
    expect(temperature.tool0.target).to.equal(205);
    expect(temperature.bed).to.have.keys('actual', 'target', 'offset');
    expect((await call('POST', '/api/printer/tool', { body: { command: 'target', targets: { tool0: 0 } } })).status).to.equal(204);
    expect((await call('POST', '/api/printer/chamber', { body: { command: 'target', target: 0 } })).status).to.equal(204);
    expect((await call('GET', '/api/printer/chamber')).status).to.equal(200);
    expect((await call('GET', '/api/printer/bed')).json.bed).to.have.keys('actual', 'target', 'offset');
    for (const body of [
      { command: 'jog', x: 10, y: -5 },
      { command: 'jog', z: 1, absolute: true, speed: 300 },
      { command: 'home', axes: ['x', 'y'] },
      { command: 'feedrate', factor: 120 },
    ]) {
      expect((await call('POST', '/api/printer/printhead', { body })).status, JSON.stringify(body)).to.equal(204);
    }
    for (const body of [{ command: 'jog' }, { command: 'jog', x: 'far' }, { command: 'home', axes: ['w'] }, { command: 'feedrate', factor: 1000 }, { command: 'spin' }]) {
      expect((await call('POST', '/api/printer/printhead', { body })).status, JSON.stringify(body)).to.equal(400);
    }
    // the flow rate as OctoPrint's: 75..125 %, as a percentage or a fraction; a typo of 1000 % never reaches the printer
    for (const factor of [110, 0.9]) expect((await call('POST', '/api/printer/tool', { body: { command: 'flowrate', factor } })).status, String(factor)).to.equal(204);
    for (const factor of [1000, 0, 50, '100']) {
      const refused = await call('POST', '/api/printer/tool', { body: { command: 'flowrate', factor } });
      expect(refused.status, String(factor)).to.equal(400);
      expect(refused.json.error).to.match(/flow rate factor must be from 75 to 125 %|"factor" must be a positive number/);
    }
    expect((await call('POST', '/api/printer/bed', { body: { command: 'target', target: 0 } })).status).to.equal(204);
  });

  it("takes PrusaSlicer's upload exactly as it sends it: print=true selects and starts the print", async () => {
    rec.clear();
    const version = await call('GET', '/api/version', { headers: { 'User-Agent': 'PrusaSlicer/2.5.0' } });
    expect(version.json.text.startsWith('OctoPrint')).to.equal(true);
    const gcode = ['; generated by PrusaSlicer 2.5.0', 'M73 P0 R1', 'G21', 'G90', 'M83', ...typicalLines(400).map((l) => l.replace(/E([\d.]+)/, 'E0.03')), ''].join('\n');
    const boundary = '------------------------d74496d66958873e';
    const body = multipart(boundary, [
      { name: 'print', value: 'true' },
      { name: 'path', value: '' },
      { name: 'file', filename: 'prusa cube_0.2mm_PLA.gcode', value: Buffer.from(gcode), type: 'application/octet-stream' },
    ]);
    const res = await rawPost(
      `${t.baseUrl}/api/files/local`,
      {
        'User-Agent': 'PrusaSlicer/2.5.0',
        Accept: '*/*',
        'X-Api-Key': t.apiKey,
        'Content-Type': `multipart/form-data; boundary=${boundary}`,
        Expect: '100-continue',
      },
      body,
    );
    expect(res.status).to.equal(201);
    expect(res.json).to.include({ done: true, effectivePrint: true, effectiveSelect: true, folder: null });
    expect(res.json.files.local).to.include({ name: 'prusa cube_0.2mm_PLA.gcode', path: 'prusa cube_0.2mm_PLA.gcode', origin: 'local' });
    await waitFor(() => rec.named('PrintStarted').length > 0);
    const selected = rec.named('FileSelected')[0]!.payload as Record<string, unknown>;
    expect(selected).to.include({ name: 'prusa cube_0.2mm_PLA.gcode', path: 'prusa cube_0.2mm_PLA.gcode', origin: 'local', filename: 'prusa cube_0.2mm_PLA.gcode' });
    expect(selected.file).to.match(/uploads\/prusa cube_0\.2mm_PLA\.gcode$/);

    const job = await call('GET', '/api/job');
    expect(job.json.state).to.be.oneOf(['Printing', 'Operational', 'Finishing']);
    expect(job.json.job.file).to.include({ name: 'prusa cube_0.2mm_PLA.gcode', origin: 'local', path: 'prusa cube_0.2mm_PLA.gcode' });
    if (printer.isBusyWith('local', 'prusa cube_0.2mm_PLA.gcode')) {
      const del = await call('DELETE', '/api/files/local/prusa%20cube_0.2mm_PLA.gcode');
      expect(del.status).to.equal(409);
      expect((await call('POST', '/api/files/local/prusa%20cube_0.2mm_PLA.gcode', { body: { command: 'move', destination: 'x.gcode' } })).status).to.equal(409);
      expect((await call('POST', '/api/job', { body: { command: 'start' } })).status).to.equal(409);
    }
    await waitFor(() => rec.named('PrintDone').length > 0, 20000);
    const printed = (await call('GET', '/api/files/local/prusa%20cube_0.2mm_PLA.gcode')).json;
    expect(printed.prints).to.include({ success: 1, failure: 0 });
    expect(printed.prints.last).to.include({ success: true, printerProfile: '_default' });
    expect(printed.statistics.lastPrintTime._default).to.equal(printed.prints.last.printTime);
    expect(printed.statistics.averagePrintTime._default).to.equal(printed.prints.last.printTime);
    expect(printed.user).to.be.a('string');
  });

  it('selects, starts, pauses, resumes and cancels through /api/files and /api/job; unselect fires FileDeselected', async () => {
    expect((await call('POST', '/api/files/local', { body: uploadForm('job.gcode', ['G21', 'G90', 'M83', ...typicalLines(3000)].join('\n')) })).status).to.equal(201);
    // the job's estimate below comes from the analysis, which runs at a low priority: on a busy machine it takes a while
    await waitFor(() => rec.named('MetadataAnalysisFinished').some((e) => (e.payload as { path?: string }).path === 'job.gcode'), 15_000);
    rec.clear();
    expect((await call('POST', '/api/files/local/job.gcode', { body: { command: 'select' } })).status).to.equal(204);
    await waitFor(() => rec.named('FileSelected').length > 0);
    expect((await call('POST', '/api/files/local/job.gcode', { body: { command: 'unselect' } })).status).to.equal(204);
    await waitFor(() => rec.named('FileDeselected').length > 0);
    expect(rec.named('FileDeselected')[0]!.payload).to.deep.equal({ printer: 'default' });
    expect((await call('POST', '/api/job', { body: { command: 'start' } })).status).to.equal(409);

    expect((await call('POST', '/api/files/local/job.gcode', { body: { command: 'select', print: true } })).status).to.equal(204);
    await waitFor(() => printer.state.id === 'PRINTING');
    expect((await call('POST', '/api/job', { body: { command: 'pause', action: 'pause' } })).status).to.equal(204);
    await waitFor(() => printer.state.id === 'PAUSED');
    expect((await call('GET', '/api/printer')).json.state.flags).to.include({ paused: true, printing: false });
    // the file of the running (paused) job cannot be deleted or moved
    const refused = await call('DELETE', '/api/files/local/job.gcode');
    expect(refused.status).to.equal(409);
    expect(refused.json.error).to.match(/printed/);
    expect((await call('POST', '/api/files/local/job.gcode', { body: { command: 'move', destination: 'moved.gcode' } })).status).to.equal(409);
    expect((await call('POST', '/api/files/local', { body: uploadForm('job.gcode', 'G1 X1\n') })).status).to.equal(409);
    expect((await call('GET', '/api/files/local/job.gcode')).status).to.equal(200);
    expect((await call('POST', '/api/job', { body: { command: 'pause', action: 'toggle' } })).status).to.equal(204);
    await waitFor(() => printer.state.id === 'PRINTING');
    const progress = await call('GET', '/api/job');
    expect(progress.json.progress.completion).to.be.a('number');
    expect(progress.json.job.estimatedPrintTime).to.be.a('number');
    expect((await call('POST', '/api/job', { body: { command: 'cancel' } })).status).to.equal(204);
    await waitFor(() => printer.state.id === 'OPERATIONAL');
    expect((await call('POST', '/api/job', { body: { command: 'cancel' } })).status).to.equal(409);
    expect((await call('POST', '/api/job', { body: { command: 'pause', action: 'sideways' } })).status).to.be.oneOf([400, 409]);
  });

  it('a folder holding the file being printed is not deleted or moved, and the reason says the file inside is printed', async () => {
    expect((await call('POST', '/api/files/local', { body: uploadForm('shelf.gcode', ['G21', 'G90', 'M83', ...typicalLines(3000)].join('\n'), { path: 'shelf' }) })).status).to.equal(201);
    expect((await call('POST', '/api/files/local/shelf/shelf.gcode', { body: { command: 'select', print: true } })).status).to.equal(204);
    await waitFor(() => printer.state.id === 'PRINTING');
    const refused = await call('DELETE', '/api/files/local/shelf');
    expect(refused.status).to.equal(409);
    expect(refused.json.error).to.equal('"shelf" holds a file that is being printed');
    const moved = await call('POST', '/api/files/local/shelf', { body: { command: 'move', destination: 'elsewhere' } });
    expect([moved.status, moved.json.error]).to.deep.equal([409, '"shelf" holds a file that is being printed']);
    expect((await call('GET', '/api/files/local/shelf/shelf.gcode')).status).to.equal(200);
    expect((await call('POST', '/api/job', { body: { command: 'cancel' } })).status).to.equal(204);
    await waitFor(() => printer.state.id === 'OPERATIONAL');
    expect((await call('DELETE', '/api/files/local/shelf')).status).to.equal(204);
  });

  it('uploads to the SD card with TransferStarted/TransferDone, lists and deletes it there', async () => {
    rec.clear();
    const res = await call('POST', '/api/files/sdcard', { body: uploadForm('Small Part.gcode', SMALL_GCODE) });
    expect(res.status).to.equal(201);
    expect(res.json.files.sdcard).to.include({ name: 'small_part.gcode', origin: 'sdcard' });
    await rec.idle();
    const transfer = rec.events.filter((e) => ['TransferStarted', 'TransferDone', 'FileAdded', 'Upload'].includes(e.name));
    expect(transfer.map((e) => e.name)).to.deep.equal(['TransferStarted', 'TransferDone', 'FileAdded', 'Upload']);
    expect(transfer[0]!.payload).to.deep.equal({ local: 'Small Part.gcode', remote: 'small_part.gcode', printer: 'default' });
    expect(transfer[1]!.payload).to.include({ local: 'Small Part.gcode', remote: 'small_part.gcode', printer: 'default' });
    expect((transfer[1]!.payload as { time: number }).time).to.be.a('number');
    expect(transfer[2]!.payload).to.deep.equal({ storage: 'sdcard', path: 'small_part.gcode', name: 'small_part.gcode', type: ['machinecode', 'gcode'] });
    expect(rec.named('UpdatedFiles').length).to.be.at.least(2);

    const listing = await call('GET', '/api/files/sdcard');
    expect(listing.json.files.map((f: any) => f.name)).to.include('small_part.gcode');
    const all = await call('GET', '/api/files');
    expect(all.json.files.filter((f: any) => f.origin === 'sdcard').map((f: any) => f.name)).to.include('small_part.gcode');
    rec.clear();
    expect((await call('DELETE', '/api/files/sdcard/small_part.gcode')).status).to.equal(204);
    await rec.idle();
    expect(rec.named('FileRemoved')[0]!.payload).to.deep.equal({ storage: 'sdcard', path: 'small_part.gcode', name: 'small_part.gcode', type: ['machinecode', 'gcode'] });
    expect((await call('GET', '/api/files/sdcard')).json.files.map((f: any) => f.name)).not.to.include('small_part.gcode');
  });

  it('uploads to the SD card with print=true and prints from there', async () => {
    rec.clear();
    const res = await call('POST', '/api/files/sdcard', { body: uploadForm('sdjob.gcode', SMALL_GCODE, { print: 'true' }) });
    expect(res.status).to.equal(201);
    expect(res.json).to.include({ effectiveSelect: true, effectivePrint: true });
    await waitFor(() => rec.named('PrintStarted').length > 0);
    expect(rec.named('FileSelected')[0]!.payload).to.deep.equal({ name: 'sdjob.gcode', path: 'sdjob.gcode', origin: 'sdcard', file: 'sdjob.gcode', filename: 'sdjob.gcode', printer: 'default' });
    await waitFor(() => rec.named('PrintDone').length > 0, 20000);
    expect((rec.named('PrintDone')[0]!.payload as { origin: string }).origin).to.equal('sdcard');
  });

  it('disconnects through POST /api/connection', async () => {
    expect((await call('POST', '/api/connection', { body: { command: 'disconnect' } })).status).to.equal(204);
    await waitFor(() => printer.state.id === 'OFFLINE');
    expect((await call('GET', '/api/printer')).status).to.equal(409);
    expect((await call('POST', '/api/connection', { body: { command: 'teleport' } })).status).to.equal(400);
  });
});
