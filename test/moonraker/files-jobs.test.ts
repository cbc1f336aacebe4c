/**
 * Files and jobs through Moonraker's API on a printer's listen port: an upload over HTTP announced
 * with notify_filelist_changed, listed and downloaded; a print started, paused, resumed and cancelled
 * with printer.print.*, seen by an OctoPrint client (GET /api/job) and firing the same catalogue
 * events; the job in server.history.list; folders made, files moved and deleted, paths outside
 * the storage refused.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { request } from '../clients/helpers.js';
import { gcodeFile, waitForState } from '../farm-surface/support.js';
import { recordEvents } from '../support/events.js';
import { needsTool } from '../support/tools.js';
import { waitFor } from '../support/wait.js';
import { RpcClient, startMoonrakerHost, type MoonrakerHost, type RpcMessage } from './support.js';

describe('moonraker: files and jobs', function () {
  this.timeout(20_000);
  let h: MoonrakerHost;
  let rpc: RpcClient;
  let base: string;

  before(async () => {
    h = await startMoonrakerHost(['p1']);
    base = `http://127.0.0.1:${h.ports['p1']}`;
    await h.printer('p1').connect();
    rpc = await RpcClient.open(`ws://127.0.0.1:${h.ports['p1']}/websocket`, { 'X-Api-Key': h.t.apiKey });
  });
  after(async () => {
    rpc?.close();
    await h?.stop();
  });

  it('uploads over HTTP: announced, listed, downloadable; no key, no upload', async () => {
    const form = new FormData();
    form.append('root', 'gcodes');
    form.append('path', 'parts');
    form.append('file', new Blob([gcodeFile('moonraker-upload', 3000)]), 'cube.gcode');
    const refused = await fetch(`${base}/server/files/upload`, { method: 'POST', body: form });
    expect(refused.status).to.equal(401);
    const res = await fetch(`${base}/server/files/upload`, { method: 'POST', body: form, headers: { 'X-Api-Key': h.t.apiKey } });
    expect(res.status).to.equal(201);
    expect(((await res.json()) as { result: { item: unknown } }).result.item).to.include({ path: 'parts/cube.gcode', root: 'gcodes' });
    await waitFor(() => rpc.notifications('notify_filelist_changed').find((m) => m.params![0].item.path === 'parts/cube.gcode'));
    const dir = await rpc.result('server.files.get_directory', { path: 'gcodes/parts' });
    expect(dir.files.map((f: { filename: string }) => f.filename)).to.deep.equal(['cube.gcode']);
    expect((await rpc.result('server.files.list', { root: 'gcodes' })).map((f: { path: string }) => f.path)).to.include('parts/cube.gcode');
    expect((await rpc.result('server.files.metadata', { filename: 'parts/cube.gcode' })).size).to.be.greaterThan(0);
    const download = await fetch(`${base}/server/files/gcodes/parts/cube.gcode`, { headers: { 'X-Api-Key': h.t.apiKey } });
    expect(await download.text()).to.contain('moonraker-upload');
  });

  it('prints, pauses, resumes and cancels: same events, same job for an OctoPrint client, a history row', async () => {
    const events = recordEvents(h.t);
    const printer = h.printer('p1');
    await rpc.result('printer.print.start', { filename: 'parts/cube.gcode' });
    await waitForState(printer, 'PRINTING');
    const job = await request(base, 'GET', '/api/job', { key: h.t.apiKey });
    expect(job.body.job.file.path).to.equal('parts/cube.gcode');
    const m114Before = h.executed('p1').filter((c) => c === 'M114').length;
    let reports = 0;
    const counting = printer.onLog(({ direction, line }) => direction === 'recv' && /^X:-?[\d.]+ Y:/.test(line) && reports++);
    await rpc.result('printer.objects.subscribe', { objects: { print_stats: ['state', 'filename'], toolhead: ['position'], motion_report: ['live_position'] } });
    // the position follows the print from the moves sent, and the nozzle's from the firmware's
    // auto-report (M154, switched on while someone watches), with no M114 to the printer while it prints
    const distinct = (field: (m: RpcMessage) => unknown) => new Set(rpc.notifications('notify_status_update').map((m) => JSON.stringify(field(m) ?? null))).size;
    await waitFor(() => distinct((m) => m.params![0].toolhead?.position) >= 3, 5000, 'toolhead.position moving');
    await waitFor(() => distinct((m) => m.params![0].motion_report?.live_position) >= 3, 5000, 'motion_report.live_position moving');
    expect(h.executed('p1')).to.include('M154 S1');
    await waitFor(() => reports >= 2, 5000, 'position auto-reports');
    counting.dispose();
    expect(h.executed('p1').filter((c) => c === 'M114').length).to.equal(m114Before);
    // reports are not console lines
    expect(rpc.notifications('notify_gcode_response').some((m) => /^X:/.test(m.params![0]))).to.equal(false);
    await rpc.result('printer.print.pause');
    await waitForState(printer, 'PAUSED');
    await waitFor(() => rpc.notifications('notify_status_update').find((m) => m.params![0].print_stats?.state === 'paused'));
    await rpc.result('printer.print.resume');
    await waitForState(printer, 'PRINTING');
    await rpc.result('printer.print.cancel');
    await waitForState(printer, 'OPERATIONAL');
    await waitFor(() => events.first('PrintCancelled'));
    expect(events.names()).to.include.members(['PrintStarted', 'PrintPaused', 'PrintResumed', 'PrintCancelled']);
    await waitFor(() => rpc.notifications('notify_history_changed').find((m) => m.params![0].action === 'finished'));
    const history = await rpc.result('server.history.list', { limit: 5 });
    expect(history.jobs[0]).to.include({ filename: 'parts/cube.gcode', status: 'cancelled' });
    expect((await rpc.result('printer.objects.query', { objects: { print_stats: ['state'] } })).status.print_stats.state).to.equal('cancelled');
  });

  it('gets and deletes a job, resets the totals, announcing the deletion', async () => {
    const [job] = (await rpc.result('server.history.list', { limit: 1 })).jobs;
    expect((await rpc.result('server.history.get_job', { uid: job.job_id })).job).to.include({ job_id: job.job_id, filename: 'parts/cube.gcode' });
    expect((await rpc.call('server.history.get_job', { uid: 'FFFFFF' })).error!.code).to.equal(404);
    expect((await rpc.call('server.history.get_job', { uid: '../1' })).error!.code).to.equal(-32602);
    const reset = await rpc.result('server.history.reset_totals');
    expect(reset.last_totals.total_jobs).to.be.greaterThan(0);
    expect(reset.last_totals.longest_job).to.be.closeTo(job.total_duration, 0.01);
    expect(reset.last_totals.longest_print).to.be.closeTo(job.print_duration, 0.01);
    expect((await rpc.result('server.history.totals')).job_totals.total_jobs).to.equal(0);
    expect((await rpc.call('server.database.post_item', { namespace: 'moonraker', key: 'history.totals_reset_ms', value: 0 })).error!.code).to.equal(403);
    expect(await rpc.result('server.history.delete_job', { uid: job.job_id })).to.deep.equal({ deleted_jobs: [job.job_id] });
    await waitFor(() => rpc.notifications('notify_history_changed').find((m) => m.params![0].action === 'deleted' && m.params![0].job.job_id === job.job_id));
    expect((await rpc.call('server.history.get_job', { uid: job.job_id })).error!.code).to.equal(404);
    const http = await fetch(`${base}/server/history/job?uid=${job.job_id}`, { method: 'DELETE', headers: { 'X-Api-Key': h.t.apiKey } });
    expect(http.status).to.equal(404);
  });

  it('extracts the slicer’s thumbnails beside the file: listed, served from .thumbs, moved and removed with it', async () => {
    // a 1×1 PNG and a JPEG's head, as PrusaSlicer writes them: base64 in comment lines of at most 78 characters
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
    const jpg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 7)]);
    const block = (kind: string, size: string, data: Buffer) => {
      const text = data.toString('base64');
      return [`; ${kind} begin ${size} ${text.length}`, ...(text.match(/.{1,78}/g) ?? []).map((l) => `; ${l}`), `; ${kind} end`, ';'];
    };
    const gcode = ['; generated by PrusaSlicer 2.7.1', ';', ...block('thumbnail', '16x16', png), ...block('thumbnail_JPG', '300x300', jpg), gcodeFile('thumbs', 50)].join('\n');
    const form = new FormData();
    form.append('file', new Blob([gcode]), 'thumbed.gcode');
    expect((await fetch(`${base}/server/files/upload`, { method: 'POST', body: form, headers: { 'X-Api-Key': h.t.apiKey } })).status).to.equal(201);
    const metadata = await waitFor(async () => {
      const m = await rpc.result('server.files.metadata', { filename: 'thumbed.gcode' });
      return m.thumbnails.length > 0 ? m : null;
    }, 10_000, 'thumbnails extracted');
    expect(metadata.thumbnails).to.deep.equal([
      { width: 16, height: 16, size: png.length, relative_path: '.thumbs/thumbed-16x16.png' },
      { width: 300, height: 300, size: jpg.length, relative_path: '.thumbs/thumbed-300x300.jpg' },
    ]);
    const get = (path: string) => fetch(`${base}/server/files/gcodes/${path}`, { headers: { 'X-Api-Key': h.t.apiKey } });
    const image = await get('.thumbs/thumbed-16x16.png');
    expect(image.headers.get('content-type')).to.equal('image/png');
    expect(Buffer.from(await image.arrayBuffer()).equals(png)).to.equal(true);
    expect((await rpc.result('server.files.get_directory', { path: 'gcodes' })).dirs.map((d: { dirname: string }) => d.dirname)).to.not.include('.thumbs');
    // moved with its file, under its new name
    await rpc.result('server.files.post_directory', { path: 'gcodes/shelf' });
    await rpc.result('server.files.move', { source: 'gcodes/thumbed.gcode', dest: 'gcodes/shelf/moved.gcode' });
    const thumbs = await rpc.result('server.files.thumbnails', { filename: 'shelf/moved.gcode' });
    expect(thumbs.map((t: { thumbnail_path: string }) => t.thumbnail_path)).to.deep.equal(['shelf/.thumbs/moved-16x16.png', 'shelf/.thumbs/moved-300x300.jpg']);
    expect((await get('shelf/.thumbs/moved-300x300.jpg')).headers.get('content-type')).to.equal('image/jpeg');
    expect((await get('.thumbs/thumbed-16x16.png')).status).to.equal(404);
    // nothing else under a dot name, nothing outside the storage
    expect((await get('.thumbs/..%2F..%2Fetc%2Fpasswd')).status).to.equal(400);
    expect((await get('..%2F.thumbs/x-1x1.png')).status).to.equal(400);
    expect((await get('.metadata.json')).status).to.equal(400);
    expect((await fetch(`${base}/server/files/gcodes/shelf/.thumbs/moved-16x16.png`)).status).to.equal(401);
    await rpc.result('server.files.delete_file', { path: 'gcodes/shelf/moved.gcode' });
    expect((await get('shelf/.thumbs/moved-16x16.png')).status).to.equal(404);
  });

  it('turns a QOI thumbnail (PrusaSlicer’s for Prusa’s newer printers) into a PNG that ffmpeg reads as the same pixels', async function () {
    needsTool(this, 'ffmpeg');
    // 3×1 in QOI: a red pixel (QOI_OP_RGB), a green one (QOI_OP_RGB), the red one again (QOI_OP_INDEX), the end marker
    const header = Buffer.alloc(14);
    header.write('qoif', 0, 'latin1');
    header.writeUInt32BE(3, 4);
    header.writeUInt32BE(1, 8);
    header[12] = 4;
    const redSlot = (255 * 3 + 255 * 11) % 64;
    const qoi = Buffer.concat([header, Buffer.from([0xfe, 255, 0, 0, 0xfe, 0, 255, 0, redSlot, 0, 0, 0, 0, 0, 0, 0, 1])]);
    const text = qoi.toString('base64');
    const gcode = ['; generated by PrusaSlicer 2.8.0', `; thumbnail_QOI begin 3x1 ${text.length}`, `; ${text}`, '; thumbnail_QOI end', gcodeFile('qoi', 10)].join('\n');
    const form = new FormData();
    form.append('file', new Blob([gcode]), 'mini.gcode');
    expect((await fetch(`${base}/server/files/upload`, { method: 'POST', body: form, headers: { 'X-Api-Key': h.t.apiKey } })).status).to.equal(201);
    const [thumbnail] = await waitFor(async () => {
      const list = await rpc.result('server.files.thumbnails', { filename: 'mini.gcode' });
      return list.length > 0 ? list : null;
    }, 10_000, 'the QOI thumbnail extracted');
    expect(thumbnail).to.include({ width: 3, height: 1, thumbnail_path: '.thumbs/mini-3x1.png' });
    const png = Buffer.from(await (await fetch(`${base}/server/files/gcodes/${thumbnail.thumbnail_path}`, { headers: { 'X-Api-Key': h.t.apiKey } })).arrayBuffer());
    const file = path.join(os.tmpdir(), `cuttle-qoi-${process.pid}.png`);
    fs.writeFileSync(file, png);
    try {
      const { stdout } = await promisify(execFile)('ffmpeg', ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgba', '-'], { encoding: 'buffer' });
      expect([...stdout]).to.deep.equal([255, 0, 0, 255, 0, 255, 0, 255, 255, 0, 0, 255]);
    } finally {
      fs.rmSync(file, { force: true });
    }
    await rpc.result('server.files.delete_file', { path: 'gcodes/mini.gcode' });
  });

  it('makes folders, moves and deletes files, and refuses paths outside the storage', async () => {
    await rpc.result('server.files.post_directory', { path: 'gcodes/archive' });
    const moved = await rpc.result('server.files.move', { source: 'gcodes/parts/cube.gcode', dest: 'gcodes/archive/cube.gcode' });
    expect(moved.item).to.include({ path: 'archive/cube.gcode' });
    expect((await rpc.call('server.files.move', { source: 'gcodes/archive/cube.gcode', dest: 'gcodes/../../cube.gcode' })).error!.code).to.equal(400);
    expect((await rpc.call('server.files.delete_directory', { path: 'gcodes/archive' })).error!.code).to.equal(400);
    await rpc.result('server.files.delete_file', { path: 'gcodes/archive/cube.gcode' });
    await rpc.result('server.files.delete_directory', { path: 'gcodes/archive' });
    expect((await rpc.result('server.files.get_directory', { path: 'gcodes' })).dirs.map((d: { dirname: string }) => d.dirname)).to.not.include('archive');
  });
});
