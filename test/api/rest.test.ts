/** The REST API end to end on a real host: every endpoint with and without a key, shapes as OctoPrint's. */
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import type { TestHost } from '../support/host.js';
import { api, SMALL_GCODE, startApiHost, uploadForm, type Api } from './support.js';
import { keyHeaders } from '../support/http.js';
import { waitFor } from '../support/wait.js';

describe('REST API', function () {
  let t: TestHost;
  let call: Api;

  before(async () => {
    t = await startApiHost();
    call = api(t);
  });
  after(async () => t?.stop());

  const ENDPOINTS: [string, string][] = [
    ['GET', '/api/version'],
    ['GET', '/api/server'],
    ['GET', '/api/files'],
    ['GET', '/api/files/local'],
    ['GET', '/api/files/local/x.gcode'],
    ['POST', '/api/files/local'],
    ['POST', '/api/files/local/x.gcode'],
    ['DELETE', '/api/files/local/x.gcode'],
    ['GET', '/api/connection'],
    ['POST', '/api/connection'],
    ['GET', '/api/job'],
    ['POST', '/api/job'],
    ['GET', '/api/printer'],
    ['POST', '/api/printer/command'],
    ['POST', '/api/printer/tool'],
    ['POST', '/api/printer/bed'],
    ['GET', '/api/printer/tool'],
    ['GET', '/api/printer/bed'],
    ['GET', '/api/printer/chamber'],
    ['POST', '/api/printer/chamber'],
    ['POST', '/api/printer/printhead'],
    ['GET', '/api/plugins'],
    ['GET', '/downloads/files/local/x.gcode'],
  ];

  it('refuses every endpoint without a key or with a wrong key (403, JSON error, nothing done)', async () => {
    for (const [method, url] of ENDPOINTS) {
      for (const key of [null, 'wrong-key']) {
        const res = await call(method, url, { key, body: method === 'GET' ? undefined : { command: 'connect' } });
        expect(res.status, `${method} ${url} key=${key}`).to.equal(403);
        expect(res.json).to.have.property('error');
      }
    }
  });

  it('accepts the key as X-Api-Key, apikey query and Bearer token', async () => {
    expect((await call('GET', '/api/version')).status).to.equal(200);
    expect((await call('GET', `/api/version?apikey=${t.apiKey}`, { key: null })).status).to.equal(200);
    expect((await call('GET', '/api/version', { key: null, headers: { Authorization: `Bearer ${t.apiKey}` } })).status).to.equal(200);
  });

  it('answers /api/version with a text beginning "OctoPrint" and /api/server', async () => {
    const version = await call('GET', '/api/version');
    expect(version.json.api).to.equal('0.1');
    expect(version.json.text).to.match(/^OctoPrint \(cuttle \d+\.\d+\.\d+.*\)$/);
    expect(version.json.server).to.be.a('string');
    const server = await call('GET', '/api/server');
    expect(server.json).to.have.keys('version', 'safemode');
  });

  it('uploads, lists with OctoPrint shapes, downloads, and deletes', async () => {
    const up = await call('POST', '/api/files/local', { body: uploadForm('cube.gcode', SMALL_GCODE, { path: 'parts' }) });
    expect(up.status).to.equal(201);
    expect(up.headers.get('location')).to.equal(`${t.baseUrl}/api/files/local/parts/cube.gcode`);
    expect(up.json).to.deep.equal({
      done: true,
      effectivePrint: false,
      effectiveSelect: false,
      files: {
        local: {
          name: 'cube.gcode',
          display: 'cube.gcode',
          path: 'parts/cube.gcode',
          origin: 'local',
          refs: {
            resource: `${t.baseUrl}/api/files/local/parts/cube.gcode`,
            download: `${t.baseUrl}/downloads/files/local/parts/cube.gcode`,
          },
        },
      },
      folder: null,
    });
    const entry = await waitFor(async () => {
      const r = await call('GET', '/api/files/local/parts/cube.gcode');
      return r.json.gcodeAnalysis ? r.json : null;
    });
    expect(entry).to.include({ name: 'cube.gcode', path: 'parts/cube.gcode', origin: 'local', type: 'machinecode', display: 'cube.gcode' });
    expect(entry.typePath).to.deep.equal(['machinecode', 'gcode']);
    expect(entry.size).to.equal(Buffer.byteLength(SMALL_GCODE));
    expect(entry.date).to.be.a('number');
    expect(entry.gcodeAnalysis).to.include.keys('estimatedPrintTime', 'filament', 'printingArea', 'dimensions', 'travelArea', 'travelDimensions');
    expect(entry.gcodeAnalysis.filament.tool0.length).to.equal(4);
    expect(entry.gcodeAnalysis.dimensions).to.deep.equal({ width: 10, depth: 10, height: 0 });

    const all = await call('GET', '/api/files?recursive=true');
    expect(all.json).to.have.keys('files', 'free', 'total');
    expect(all.json.free).to.be.a('number').above(0);
    const folder = all.json.files.find((f: any) => f.name === 'parts');
    expect(folder).to.include({ type: 'folder', path: 'parts', origin: 'local' });
    expect(folder.typePath).to.deep.equal(['folder']);
    expect(folder.children.map((c: any) => c.path)).to.deep.equal(['parts/cube.gcode']);
    expect(folder.size).to.equal(Buffer.byteLength(SMALL_GCODE));
    // not recursive: first-level folders list their children, without sizes (as OctoPrint)
    const flat = await call('GET', '/api/files/local');
    const shallow = flat.json.files.find((f: any) => f.name === 'parts');
    expect(shallow.children.map((c: any) => c.path)).to.deep.equal(['parts/cube.gcode']);
    expect(shallow.size).to.equal(undefined);

    const download = await fetch(`${t.baseUrl}/downloads/files/local/parts/cube.gcode`, { headers: keyHeaders(t.apiKey) });
    expect(download.status).to.equal(200);
    expect(await download.text()).to.equal(SMALL_GCODE);

    expect((await call('DELETE', '/api/files/local/parts/cube.gcode')).status).to.equal(204);
    expect((await call('GET', '/api/files/local/parts/cube.gcode')).status).to.equal(404);
    expect((await call('DELETE', '/api/files/local/parts/cube.gcode')).status).to.equal(404);
    expect((await call('DELETE', '/api/files/local/parts')).status).to.equal(204);
  });

  it('creates folders, copies and moves with 201 and the new entry, refuses conflicts', async () => {
    const made = await call('POST', '/api/files/local', { body: uploadForm('a.gcode', SMALL_GCODE) });
    expect(made.status).to.equal(201);
    const form = new FormData();
    form.append('foldername', 'box');
    const folder = await call('POST', '/api/files/local', { body: form });
    expect(folder.status).to.equal(201);
    expect(folder.json.folder).to.include({ name: 'box', path: 'box', origin: 'local' });
    expect((await call('POST', '/api/files/local', { body: form })).status).to.equal(409);

    const copy = await call('POST', '/api/files/local/a.gcode', { body: { command: 'copy', destination: 'box' } });
    expect(copy.status).to.equal(201);
    expect(copy.json).to.include({ path: 'box/a.gcode', name: 'a.gcode' });
    expect((await call('POST', '/api/files/local/a.gcode', { body: { command: 'copy', destination: 'box' } })).status).to.equal(409);
    const move = await call('POST', '/api/files/local/a.gcode', { body: { command: 'move', destination: 'box/b.gcode' } });
    expect(move.status).to.equal(201);
    expect(move.json.path).to.equal('box/b.gcode');
    expect((await call('GET', '/api/files/local/a.gcode')).status).to.equal(404);
    expect((await call('POST', '/api/files/local/box', { body: { command: 'move', destination: 'box/inner' } })).status).to.equal(400);
    expect((await call('POST', '/api/files/local/box/b.gcode', { body: { command: 'move', destination: 'b.txt' } })).status).to.equal(415);
    expect((await call('POST', '/api/files/local/box/b.gcode', { body: { command: 'frobnicate' } })).status).to.equal(400);
    expect((await call('POST', '/api/files/local/box/b.gcode', { body: { command: 'analyse' } })).status).to.equal(204);
    expect((await call('POST', '/api/files/local/nope.gcode', { body: { command: 'copy', destination: 'x.gcode' } })).status).to.equal(404);
    const moved = await call('POST', '/api/files/local/box', { body: { command: 'move', destination: 'crate' } });
    expect(moved.status).to.equal(201);
    expect(moved.json.children.map((c: any) => c.path).sort()).to.deep.equal(['crate/a.gcode', 'crate/b.gcode']);
  });

  it('answers 415 for unknown extensions and 400 for bad requests, as JSON', async () => {
    const bad = await call('POST', '/api/files/local', { body: uploadForm('virus.exe', 'MZ') });
    expect(bad.status).to.equal(415);
    expect(bad.json.error).to.be.a('string');
    expect((await call('POST', '/api/files/local', { body: new FormData() })).status).to.equal(400);
    expect((await call('POST', '/api/files/local', { body: { not: 'multipart' } })).status).to.equal(400);
    expect((await call('GET', '/api/files/floppy')).status).to.equal(404);
    expect((await call('POST', '/api/files/local/x.gcode', { body: '{broken', headers: { 'Content-Type': 'application/json' } })).status).to.equal(400);
  });

  it('keeps upload userdata in the folder metadata; refuses invalid userdata without keeping the file', async () => {
    const ok = await call('POST', '/api/files/local', { body: uploadForm('ud.gcode', SMALL_GCODE, { userdata: '{"owner":"slicer","n":1}' }) });
    expect(ok.status).to.equal(201);
    const meta = JSON.parse(fs.readFileSync(path.join(t.basedir, 'uploads', '.metadata.json'), 'utf8')) as Record<string, { userdata?: unknown }>;
    expect(meta['ud.gcode']?.userdata).to.deep.equal({ owner: 'slicer', n: 1 });
    const bad = await call('POST', '/api/files/local', { body: uploadForm('ud2.gcode', SMALL_GCODE, { userdata: '{nope' }) });
    expect(bad.status).to.equal(400);
    expect((await call('GET', '/api/files/local/ud2.gcode')).status).to.equal(404);
  });

  it('lists the loaded plugins, the file-events plugin among them', async () => {
    const res = await call('GET', '/api/plugins');
    expect(res.status).to.equal(200);
    const ids = res.json.plugins.map((p: any) => p.key);
    expect(ids).to.include('file-events');
  });

  it('answers the printer areas in OctoPrint shapes (offline printer)', async () => {
    const connection = await call('GET', '/api/connection');
    expect(connection.status).to.equal(200);
    expect(connection.json.current).to.have.keys('state', 'port', 'baudrate', 'printerProfile');
    expect(connection.json.options).to.include.keys('ports', 'baudrates', 'printerProfiles', 'portPreference', 'baudratePreference', 'autoconnect');
    const job = await call('GET', '/api/job');
    expect(job.status).to.equal(200);
    expect(job.json).to.have.keys('job', 'progress', 'state', 'error');
    expect(job.json.progress).to.have.keys('completion', 'filepos', 'printTime', 'printTimeLeft', 'printTimeLeftOrigin');
    expect(job.json.job.file).to.have.keys('name', 'display', 'path', 'origin', 'size', 'date');
  });

  it('keeps uploads inside the storage folder', () => {
    const uploads = path.join(t.basedir, 'uploads');
    expect(fs.existsSync(uploads)).to.equal(true);
    expect(fs.readdirSync(path.join(uploads, '.tmp'))).to.deep.equal([]);
  });
});
