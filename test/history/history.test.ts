/**
 * Job history: jobs on the simulated printer recorded at start and completed at their end (done,
 * cancelled) with print time, filament and uploader; GET /api/history filters and pages, totals sum
 * by printer; and a job running when the host process is killed -9 is `interrupted` after restart.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PrinterService } from '../../core/printer/printer-service.js';
import { fastSerial, typicalLines } from '../printer/helpers.js';
import { api, spawnHost, startApiHost, uploadForm, type Api, type HostProcess } from '../api/support.js';
import { TEST_API_KEY, writeConfig, type TestHost } from '../support/host.js';
import { waitFor } from '../support/wait.js';
import { PrinterRegistry } from '../../core/printers/printer-registry.js';

describe('job history', function () {
  this.timeout(60000);

  describe('on a running host', () => {
    let t: TestHost;
    let call: Api;
    let printer: PrinterService;
    before(async () => {
      t = await startApiHost({ config: fastSerial() });
      call = api(t);
      printer = t.get<PrinterRegistry>(PrinterRegistry).first()!.printer;
      await printer.connect({ port: 'virtual' });
      await waitFor(() => printer.state.id === 'OPERATIONAL');
    });
    after(async () => {
      await printer?.disconnect().catch(() => undefined);
      await t?.stop();
    });

    it('records a finished and a cancelled job with file, printer, user, times, print time and filament', async () => {
      const small = typicalLines(200).join('\n');
      expect((await call('POST', '/api/files/local', { body: uploadForm('done.gcode', small) })).status).to.equal(201);
      // the analysis gives the filament estimate; wait for it so the record has it
      await waitFor(async () => (await call('GET', '/api/files/local/done.gcode')).json?.gcodeAnalysis);
      expect((await call('POST', '/api/files/local/done.gcode', { body: { command: 'select', print: true } })).status).to.equal(204);
      await waitFor(async () => (await call('GET', '/api/history?result=done')).json.total === 1, 20000);

      expect((await call('POST', '/api/files/local', { body: uploadForm('long.gcode', typicalLines(20000).join('\n')) })).status).to.equal(201);
      expect((await call('POST', '/api/files/local/long.gcode', { body: { command: 'select', print: true } })).status).to.equal(204);
      const printing = await waitFor(async () => {
        const r = await call('GET', '/api/history?result=printing');
        return r.json.total === 1 && r.json.jobs[0];
      });
      expect(printing).to.include({ result: 'printing', ended: null });
      expect((await call('POST', '/api/job', { body: { command: 'cancel' } })).status).to.equal(204);
      await waitFor(async () => (await call('GET', '/api/history?result=cancelled')).json.total === 1, 20000);

      const all = await call('GET', '/api/history');
      expect(all.status).to.equal(200);
      expect(all.json.total).to.equal(2);
      const [cancelled, done] = all.json.jobs;
      expect(Object.keys(done).sort()).to.deep.equal(['ended', 'filament', 'file', 'id', 'printTime', 'printer', 'result', 'started', 'user']);
      expect(done).to.deep.include({ printer: 'default', result: 'done', file: { name: 'done.gcode', path: 'done.gcode', origin: 'local' } });
      expect(Date.parse(done.ended)).to.be.at.least(Date.parse(done.started));
      expect(done.printTime).to.be.a('number').and.at.least(0);
      const analysis = (await call('GET', '/api/files/local/done.gcode')).json.gcodeAnalysis;
      expect(done.filament).to.be.closeTo(analysis.filament.tool0.length, 1e-6);
      expect(cancelled).to.deep.include({ result: 'cancelled', file: { name: 'long.gcode', path: 'long.gcode', origin: 'local' } });
      expect(cancelled.id).to.be.greaterThan(done.id);

      const page = await call('GET', '/api/history?limit=1&offset=1');
      expect(page.json.jobs.map((j: { id: number }) => j.id)).to.deep.equal([done.id]);
      expect(page.json.total).to.equal(2);
      expect((await call('GET', '/api/history?printer=other')).json).to.deep.equal({ jobs: [], total: 0 });
      const future = new Date(Date.now() + 3_600_000).toISOString();
      expect((await call('GET', `/api/history?from=${future}`)).json.total).to.equal(0);
      expect((await call('GET', `/api/history?to=${future}`)).json.total).to.equal(2);

      const totals = await call('GET', '/api/history/totals');
      expect(totals.json.jobs).to.equal(2);
      expect(totals.json.printTime).to.be.closeTo(done.printTime + cancelled.printTime, 1e-6);
      expect(totals.json.filament).to.be.closeTo(done.filament + (cancelled.filament ?? 0), 1e-6);
      expect(totals.json.byPrinter).to.have.keys('default');
      expect(totals.json.byPrinter.default.jobs).to.equal(2);
    });

    it('refuses bad filters with the parameter named', async () => {
      for (const [query, name] of [['result=maybe', 'result'], ['limit=0', 'limit'], ['offset=-1', 'offset'], ['from=yesterday', 'from']]) {
        const r = await call('GET', `/api/history?${query}`);
        expect(r.status, query).to.equal(400);
        expect(r.json.error).to.include(`"${name}"`);
      }
      expect((await call('GET', '/api/history', { key: null })).status).to.equal(403);
    });
  });

  describe('across a kill -9', () => {
    let basedir: string;
    let host: HostProcess | undefined;
    afterEach(async () => {
      await host?.stop('SIGKILL');
      rmSync(basedir, { recursive: true, force: true });
    });

    it('marks the job that was printing when the process died as interrupted', async () => {
      basedir = mkdtempSync(path.join(os.tmpdir(), 'cuttle-history-'));
      writeConfig(basedir, { api: { key: TEST_API_KEY }, logging: { level: 'info' }, serial: { virtual: { speedFactor: 1 } } });
      host = await spawnHost(basedir, ['--connect', 'virtual']);
      const call = api({ baseUrl: host.baseUrl, apiKey: TEST_API_KEY } as TestHost);
      await waitFor(async () => (await call('GET', '/api/connection')).json.current.state === 'Operational');
      const upload = await call('POST', '/api/files/local', { body: uploadForm('power-cut.gcode', typicalLines(20000).join('\n'), { print: 'true' }) });
      expect(upload.status).to.equal(201);
      await waitFor(async () => (await call('GET', '/api/job')).json.state === 'Printing');
      await waitFor(async () => (await call('GET', '/api/history?result=printing')).json.total === 1);
      await host.stop('SIGKILL');

      host = await spawnHost(basedir);
      const again = api({ baseUrl: host.baseUrl, apiKey: TEST_API_KEY } as TestHost);
      const history = await again('GET', '/api/history');
      expect(history.json.total).to.equal(1);
      const job = history.json.jobs[0];
      expect(job).to.deep.include({ result: 'interrupted', printer: 'default', file: { name: 'power-cut.gcode', path: 'power-cut.gcode', origin: 'local' } });
      expect(job.ended).to.be.a('string');
      expect(Date.parse(job.ended)).to.be.at.least(Date.parse(job.started));
      expect(job.printTime).to.be.a('number').and.at.least(0);
      expect((await again('GET', '/api/history?result=interrupted')).json.total).to.equal(1);
    });
  });
});
