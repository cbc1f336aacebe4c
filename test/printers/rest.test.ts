/**
 * The printer registry over REST: `GET /api/printers` and `/api/printers/{id}` in OctoPrint's shapes
 * (state, job, progress, temperatures), with each printer's base URL and listen port; STATUS reads.
 */
import { expect } from 'chai';
import { AuthManager } from '../../core/auth/api.js';
import { PrinterRegistry } from '../../core/printers/printer-registry.js';
import { api, startApiHost, uploadForm, type Api } from '../api/support.js';
import { fastSerial, typicalLines } from '../printer/helpers.js';
import { twoPrinters } from './support.js';
import type { TestHost } from '../support/host.js';
import { freePort } from '../support/free-port.js';
import { keyHeaders } from '../support/http.js';
import { waitFor } from '../support/wait.js';

const FLAG_KEYS = ['operational', 'printing', 'cancelling', 'pausing', 'resuming', 'finishing', 'closedOrError', 'error', 'paused', 'ready', 'sdReady'];
const PROGRESS_KEYS = ['completion', 'filepos', 'printTime', 'printTimeLeft', 'printTimeLeftOrigin'];

describe('printers over REST: GET /api/printers', function () {
  this.timeout(30000);
  let t: TestHost | undefined;
  let call: Api;

  afterEach(async () => {
    await t?.stop();
    t = undefined;
  });

  it('lists every printer in configuration order with OctoPrint state, job, progress and temperatures', async () => {
    const listen = await freePort();
    t = await startApiHost({ config: twoPrinters(listen) });
    call = api(t);
    const registry = t.get<PrinterRegistry>(PrinterRegistry);
    await waitFor(() => registry.get('p1')!.printer.snapshot().state.id === 'OPERATIONAL');
    expect((await call('POST', '/printer/p1/api/printer/command', { body: { command: 'M105' } })).status).to.equal(204);
    await waitFor(() => Object.keys(registry.get('p1')!.printer.snapshot().temperatures).length > 0);
    expect((await call('POST', '/api/files/local', { body: uploadForm('cube.gcode', typicalLines(50).join('\n')) })).status).to.equal(201);
    await waitFor(async () => (await call('GET', '/api/files/local/cube.gcode')).json.gcodeAnalysis);
    expect((await call('POST', '/printer/p1/api/files/local/cube.gcode', { body: { command: 'select' } })).status).to.equal(204);

    const r = await call('GET', '/api/printers');
    expect(r.status).to.equal(200);
    expect(Object.keys(r.json)).to.deep.equal(['printers']);
    const [p1, p2] = r.json.printers;
    expect(r.json.printers.map((p: { id: string }) => p.id)).to.deep.equal(['p1', 'p2']);
    for (const p of [p1, p2]) {
      expect(Object.keys(p)).to.have.members(['id', 'name', 'state', 'job', 'progress', 'temperatures', 'baseUrl', 'listen', 'listenError']);
      expect(Object.keys(p.state.flags)).to.have.members(FLAG_KEYS);
      expect(Object.keys(p.progress)).to.have.members(PROGRESS_KEYS);
      expect(Object.keys(p.job)).to.include.members(['file', 'estimatedPrintTime', 'lastPrintTime', 'filament', 'user']);
    }
    expect(p1).to.include({ name: 'Left Prusa', baseUrl: `${t.baseUrl}/printer/p1/`, listen: null });
    expect(p1.state).to.deep.include({ text: 'Operational' });
    expect(p1.state.flags).to.include({ operational: true, ready: true, printing: false, closedOrError: false, sdReady: true });
    expect(p1.job.file).to.include({ name: 'cube.gcode', path: 'cube.gcode', origin: 'local' });
    expect(p1.job.estimatedPrintTime).to.be.a('number');
    expect(p1.temperatures.tool0).to.have.all.keys('actual', 'target', 'offset');
    expect(p1.temperatures.bed).to.have.all.keys('actual', 'target', 'offset');

    expect(p2).to.include({ name: 'Right Ender', baseUrl: `${t.baseUrl}/printer/p2/`, listen });
    expect(p2.state.text).to.equal('Offline');
    expect(p2.state.flags).to.include({ operational: false, closedOrError: true, sdReady: false });
    expect(p2.job.file).to.deep.equal({ name: null, path: null, display: null, origin: null, size: null, date: null });
    expect(p2.progress).to.deep.equal({ completion: null, filepos: null, printTime: null, printTimeLeft: null, printTimeLeftOrigin: null });
    expect(p2.temperatures).to.deep.equal({});

    // the same entry as /api/job and /api/printer show for that printer
    const job = await call('GET', '/printer/p1/api/job');
    expect(p1.job).to.deep.equal(job.json.job);
    const one = await call('GET', '/api/printers/p2');
    expect(one.status).to.equal(200);
    expect(one.json).to.deep.equal(p2);
    // through a printer's prefix and through a printer's own port, the base URLs are still the main port's
    const scoped = await call('GET', '/printer/p2/api/printers/p2');
    expect(scoped.json.baseUrl).to.equal(`${t.baseUrl}/printer/p2/`);
    await waitFor(async () => (await fetch(`http://127.0.0.1:${listen}/api/version`, { headers: keyHeaders(t!.apiKey) }).catch(() => null))?.status === 200);
    const viaListen = await fetch(`http://127.0.0.1:${listen}/api/printers`, { headers: keyHeaders(t.apiKey) });
    expect(((await viaListen.json()) as { printers: { baseUrl: string }[] }).printers.map((p) => p.baseUrl)).to.deep.equal([`${t.baseUrl}/printer/p1/`, `${t.baseUrl}/printer/p2/`]);
  });

  it('answers 404 for an unknown printer, 403 without a key, and lets a read-only user list', async () => {
    t = await startApiHost({ config: twoPrinters() });
    call = api(t);
    const missing = await call('GET', '/api/printers/nope');
    expect(missing.status).to.equal(404);
    expect(missing.json.error).to.include('nope');
    expect((await call('GET', '/api/printers', { key: null })).status).to.equal(403);
    const auth = t.get<AuthManager>(AuthManager);
    await auth.users.add('viewer', { groups: ['readonly'] });
    const key = auth.users.addKey('viewer', 'farm');
    expect((await call('GET', '/api/printers', { key })).status).to.equal(200);
    expect((await call('GET', '/api/printers/p1', { key })).status).to.equal(200);
  });

  it('answers a known and an unknown printer id alike without a key (403 under /api/), so ids cannot be probed; "no printer" only to a caller with a key', async () => {
    t = await startApiHost({ config: twoPrinters() });
    call = api(t);
    for (const [rest, status] of [['/api/job', 403], ['/api/connection', 403], ['/api/files', 403], ['/api/version', 403], ['/api/nothing', 403], ['/nothing/here', 404]] as const) {
      const known = await call('GET', `/printer/p1${rest}`, { key: null });
      const unknown = await call('GET', `/printer/nope${rest}`, { key: null });
      expect([known.status, unknown.status], rest).to.deep.equal([status, status]);
      expect(unknown.json, rest).to.deep.equal(known.json);
      const posted = await call('POST', `/printer/nope${rest}`, { key: null, body: { command: 'connect' } });
      expect(posted.status, `POST ${rest}`).to.equal(status);
    }
    expect((await call('GET', '/printer/nope/api/job')).status, 'with a key').to.equal(404);
  });

  it('lists the one implicit printer "default" of a host without printers:', async () => {
    t = await startApiHost({ config: fastSerial() });
    call = api(t);
    const r = await call('GET', '/api/printers');
    expect(r.json.printers.map((p: { id: string; baseUrl: string }) => [p.id, p.baseUrl])).to.deep.equal([['default', `${t.baseUrl}/printer/default/`]]);
  });
});
