/**
 * The rest of the client-facing API: permissions on every endpoint for a read-only key, /api/settings,
 * /api/printerprofiles backed by files, /api/system/commands, /api/printer/sd, range downloads.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Koa from 'koa';
import { AuthManager } from '../../core/auth/api.js';
import { accessOf } from '../../core/http/route-table.js';
import { HttpRoutes, type RouteAccess } from '../../core/http/routes.js';
import { parseRange, sendFile } from '../../core/http/ranges.js';
import { startApiHost } from '../api/support.js';
import type { TestHost } from '../support/host.js';
import { request } from './helpers.js';
import { keyHeaders } from '../support/http.js';

describe('clients: REST API for OctoPrint clients', function () {
  this.timeout(20_000);
  let t: TestHost;
  let readonlyKey: string;
  let userKey: string;

  before(async () => {
    t = await startApiHost({ config: { appearance: { name: 'Workshop Prusa' }, system: { actions: [{ action: 'hello', name: 'Say hello', command: 'true', confirm: null }] } } });
    const auth = t.get<AuthManager>(AuthManager);
    await auth.users.add('viewer', { groups: ['readonly'] });
    await auth.users.add('maker', { groups: ['users'] });
    readonlyKey = auth.users.addKey('viewer', 'dashboard');
    userKey = auth.users.addKey('maker', 'slicer');
  });
  after(() => t?.stop());

  describe('permissions', () => {
    const writes: [string, string, unknown][] = [
      ['POST', '/api/files/local', undefined],
      ['POST', '/api/files/local/cube.gcode', { command: 'select', print: true }],
      ['DELETE', '/api/files/local/cube.gcode', undefined],
      ['POST', '/api/job', { command: 'start' }],
      ['POST', '/api/printer/command', { commands: ['G28'] }],
      ['POST', '/api/printer/tool', { command: 'target', targets: { tool0: 200 } }],
      ['POST', '/api/printer/bed', { command: 'target', target: 60 }],
      ['POST', '/api/connection', { command: 'connect' }],
      ['POST', '/api/printerprofiles', { profile: { name: 'x' } }],
      ['POST', '/api/system/commands/custom/hello', undefined],
    ];
    for (const [method, url, body] of writes) {
      it(`a read-only key gets 403 on ${method} ${url}`, async () => {
        const r = await request(t.baseUrl, method, url, { key: readonlyKey, body });
        expect(r.status).to.equal(403);
        expect(r.body).to.have.property('error');
      });
    }

    it('a read-only key reads state, files, job, settings and profiles', async () => {
      for (const url of ['/api/version', '/api/server', '/api/job', '/api/files', '/api/connection', '/api/settings', '/api/printerprofiles', '/api/currentuser']) {
        const r = await request(t.baseUrl, 'GET', url, { key: readonlyKey });
        expect(r.status, url).to.equal(200);
      }
    });

    it('a user key may print and control but not change settings or run system commands', async () => {
      expect((await request(t.baseUrl, 'POST', '/api/printer/command', { key: userKey, body: { commands: ['G28'] } })).status).to.not.equal(403);
      expect((await request(t.baseUrl, 'POST', '/api/printerprofiles', { key: userKey, body: { profile: { name: 'x' } } })).status).to.equal(403);
      expect((await request(t.baseUrl, 'GET', '/api/system/commands', { key: userKey })).status).to.equal(403);
    });

    it('closes write routes declared without a permission to non-admins', async () => {
      expect(accessOf('POST', undefined)).to.equal('ADMIN');
      expect(accessOf('GET', undefined)).to.equal('authenticated');
      // a plugin in plain JavaScript may leave the permission out: its writes need ADMIN, its reads a key
      const undeclared = undefined as unknown as RouteAccess;
      const registration = t.get<HttpRoutes>(HttpRoutes).register('undeclared', (routes) => {
        routes.get('/api/some/plugin/thing', undeclared, (ctx) => (ctx.body = { ok: true }));
        routes.post('/api/some/plugin/thing', undeclared, (ctx) => (ctx.body = { ok: true }));
      });
      try {
        expect((await request(t.baseUrl, 'POST', '/api/some/plugin/thing', { key: userKey, body: {} })).status).to.equal(403);
        expect((await request(t.baseUrl, 'POST', '/api/some/plugin/thing', { key: t.apiKey, body: {} })).status).to.equal(200);
        expect((await request(t.baseUrl, 'GET', '/api/some/plugin/thing', { key: readonlyKey })).status).to.equal(200);
        expect((await request(t.baseUrl, 'GET', '/api/some/plugin/thing')).status).to.equal(403);
      } finally {
        registration.dispose();
      }
      expect((await request(t.baseUrl, 'GET', '/api/some/plugin/thing', { key: readonlyKey })).status).to.equal(404);
    });

    it('answers 403 without a key or with a wrong one', async () => {
      expect((await request(t.baseUrl, 'GET', '/api/settings')).status).to.equal(403);
      expect((await request(t.baseUrl, 'GET', '/api/settings', { key: 'A'.repeat(32) })).status).to.equal(403);
    });
  });

  it('GET /api/settings gives the subset clients read', async () => {
    const r = await request(t.baseUrl, 'GET', '/api/settings', { key: readonlyKey });
    expect(r.body).to.include.keys('api', 'appearance', 'feature', 'folder', 'serial', 'server', 'temperature', 'webcam');
    expect(r.body.appearance.name).to.equal('Workshop Prusa');
    expect(r.body.api.key).to.equal(null);
    expect(r.body.serial.baudrateOptions).to.include(115200);
    expect(r.body.serial.portOptions).to.be.an('array');
    expect(r.body.temperature.profiles[0]).to.include.keys('name', 'extruder', 'bed');
    const admin = await request(t.baseUrl, 'GET', '/api/settings', { key: t.apiKey });
    expect(admin.body.api.key).to.equal(t.apiKey);
    // Home Assistant identifies the instance by this
    expect(r.body.plugins.discovery.upnpUuid).to.match(/^[0-9a-f-]{36}$/).and.equal(admin.body.plugins.discovery.upnpUuid);
  });

  it('/api/printerprofiles lists, creates, updates and deletes profiles kept in the basedir', async () => {
    const list = await request(t.baseUrl, 'GET', '/api/printerprofiles', { key: t.apiKey });
    const def = list.body.profiles._default;
    expect(def).to.include.keys('id', 'name', 'model', 'default', 'current', 'resource', 'volume', 'heatedBed', 'heatedChamber', 'axes', 'extruder');
    expect(def).to.include({ default: true, current: true, resource: `${t.baseUrl}/api/printerprofiles/_default` });
    expect(fs.existsSync(path.join(t.basedir, 'printerProfiles', '_default.yaml'))).to.equal(true);
    const created = await request(t.baseUrl, 'POST', '/api/printerprofiles', { key: t.apiKey, body: { profile: { id: 'mk3', name: 'MK3S', model: 'Original Prusa MK3S', volume: { width: 250, depth: 210, height: 210 } } } });
    expect(created.status).to.equal(200);
    expect(created.body.profile).to.include({ id: 'mk3', default: false });
    expect(fs.existsSync(path.join(t.basedir, 'printerProfiles', 'mk3.yaml'))).to.equal(true);
    expect((await request(t.baseUrl, 'POST', '/api/printerprofiles', { key: t.apiKey, body: { profile: { id: 'mk3', name: 'again' } } })).status).to.equal(409);
    expect((await request(t.baseUrl, 'POST', '/api/printerprofiles', { key: t.apiKey, body: { profile: { id: 'bad', name: 'bad', volume: { width: -1 } } } })).status).to.equal(400);
    const patched = await request(t.baseUrl, 'PATCH', '/api/printerprofiles/mk3', { key: t.apiKey, body: { profile: { heatedChamber: true, default: true } } });
    expect(patched.body.profile).to.include({ heatedChamber: true, default: true });
    expect((await request(t.baseUrl, 'GET', '/api/printerprofiles/_default', { key: t.apiKey })).body.default).to.equal(false);
    expect((await request(t.baseUrl, 'DELETE', '/api/printerprofiles/mk3', { key: t.apiKey })).status).to.equal(409);
    await request(t.baseUrl, 'PATCH', '/api/printerprofiles/_default', { key: t.apiKey, body: { profile: { default: true } } });
    expect((await request(t.baseUrl, 'DELETE', '/api/printerprofiles/mk3', { key: t.apiKey })).status).to.equal(204);
    expect((await request(t.baseUrl, 'GET', '/api/printerprofiles/mk3', { key: t.apiKey })).status).to.equal(404);
  });

  it('/api/system/commands lists configured commands and runs one', async () => {
    const r = await request(t.baseUrl, 'GET', '/api/system/commands', { key: t.apiKey });
    expect(r.body).to.have.keys('core', 'custom');
    expect(r.body.custom[0]).to.include({ action: 'hello', source: 'custom' });
    expect((await request(t.baseUrl, 'POST', '/api/system/commands/custom/hello', { key: t.apiKey })).status).to.equal(204);
    expect((await request(t.baseUrl, 'POST', '/api/system/commands/custom/nope', { key: t.apiKey })).status).to.equal(404);
    // pyoctoprintapi (Home Assistant) asks for "//api/system/commands/…"
    expect((await request(t.baseUrl, 'POST', '//api/system/commands/custom/hello', { key: t.apiKey })).status).to.equal(204);
  });

  it('/api/printer and /api/printer/sd answer 409 while no printer is connected', async () => {
    expect((await request(t.baseUrl, 'GET', '/api/printer/sd', { key: t.apiKey })).status).to.equal(409);
    expect((await request(t.baseUrl, 'GET', '/api/printer?history=true&limit=2', { key: t.apiKey })).status).to.equal(409);
  });

  it('/downloads/files/local/<path> serves ranges of an uploaded file', async () => {
    const form = new FormData();
    form.append('file', new Blob(['G28\nG1 X10\nM84\n']), 'range.gcode');
    const up = await fetch(`${t.baseUrl}/api/files/local`, { method: 'POST', headers: keyHeaders(t.apiKey), body: form });
    expect(up.status).to.equal(201);
    const part = await fetch(`${t.baseUrl}/downloads/files/local/range.gcode`, { headers: keyHeaders(readonlyKey, { Range: 'bytes=4-9' }) });
    expect(part.status).to.equal(206);
    expect(part.headers.get('content-range')).to.equal('bytes 4-9/15');
    expect(await part.text()).to.equal('G1 X10');
    const whole = await fetch(`${t.baseUrl}/downloads/files/local/range.gcode`, { headers: keyHeaders(readonlyKey) });
    expect(whole.status).to.equal(200);
    expect(await whole.text()).to.equal('G28\nG1 X10\nM84\n');
  });

  describe('range downloads', () => {
    let server: http.Server;
    let url: string;
    const content = Buffer.from('0123456789abcdefghij');
    before(async () => {
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cuttle-range-')), 'f.gcode');
      fs.writeFileSync(file, content);
      const app = new Koa();
      app.use((ctx) => sendFile(ctx, file, content.length));
      server = http.createServer(app.callback()).listen(0, '127.0.0.1');
      await new Promise((r) => server.once('listening', r));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    });
    after(() => server.close());

    it('parses the range forms', () => {
      expect(parseRange('bytes=0-4', 20)).to.deep.equal({ start: 0, end: 4 });
      expect(parseRange('bytes=15-', 20)).to.deep.equal({ start: 15, end: 19 });
      expect(parseRange('bytes=-5', 20)).to.deep.equal({ start: 15, end: 19 });
      expect(parseRange('bytes=10-100', 20)).to.deep.equal({ start: 10, end: 19 });
      expect(parseRange('bytes=20-', 20)).to.equal('invalid');
      expect(parseRange('bytes=0-1,3-4', 20)).to.equal(null);
      expect(parseRange(undefined, 20)).to.equal(null);
    });

    it('answers 206 with the part, 416 outside, 200 with all', async () => {
      const part = await fetch(url, { headers: { Range: 'bytes=2-5' } });
      expect(part.status).to.equal(206);
      expect(part.headers.get('content-range')).to.equal('bytes 2-5/20');
      expect(await part.text()).to.equal('2345');
      const tail = await fetch(url, { headers: { Range: 'bytes=-3' } });
      expect(await tail.text()).to.equal('hij');
      const bad = await fetch(url, { headers: { Range: 'bytes=50-' } });
      expect(bad.status).to.equal(416);
      expect(bad.headers.get('content-range')).to.equal('bytes */20');
      const all = await fetch(url);
      expect(all.status).to.equal(200);
      expect(all.headers.get('accept-ranges')).to.equal('bytes');
      expect(await all.text()).to.equal(content.toString());
    });
  });
});
