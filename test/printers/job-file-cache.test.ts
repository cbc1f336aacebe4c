/**
 * A job's file details are read once per job, not on every poll: /api/job and /api/printers polled
 * over and over stat the job's file at most once, and read it again once the file changes (a new
 * upload under its name, its analysis). An SD job's details cost an M20 on the printer's wire: read
 * once per job too.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import { PrinterRegistry } from '../../core/printers/printer-registry.js';
import { api, startApiHost, uploadForm } from '../api/support.js';
import { fastSerial, typicalLines } from '../printer/helpers.js';
import type { TestHost } from '../support/host.js';
import { waitFor } from '../support/wait.js';
import { twoPrinters } from './support.js';

describe('printers: job file details cached per job', function () {
  this.timeout(30000);
  let t: TestHost | undefined;
  const realStat = fs.promises.stat;
  let stats: string[] = [];
  afterEach(async () => {
    fs.promises.stat = realStat;
    await t?.stop();
    t = undefined;
  });

  it('stats the job\'s file once over many polls, and again after it changed', async () => {
    t = await startApiHost({ config: twoPrinters() });
    const call = api(t);
    const registry = t.get<PrinterRegistry>(PrinterRegistry);
    await waitFor(() => registry.get('p1')!.printer.snapshot().state.id === 'OPERATIONAL');
    expect((await call('POST', '/api/files/local', { body: uploadForm('cube.gcode', typicalLines(50).join('\n')) })).status).to.equal(201);
    await waitFor(async () => (await call('GET', '/api/files/local/cube.gcode')).json.gcodeAnalysis);
    expect((await call('POST', '/printer/p1/api/files/local/cube.gcode', { body: { command: 'select' } })).status).to.equal(204);
    const first = (await call('GET', '/printer/p1/api/job')).json.job.estimatedPrintTime as number;
    expect(first).to.be.a('number');

    fs.promises.stat = ((target: fs.PathLike, options?: fs.StatOptions) => {
      stats.push(String(target));
      return realStat(target, options as fs.StatOptions & { bigint?: false });
    }) as typeof fs.promises.stat;
    const onCube = () => stats.filter((p) => p.endsWith('cube.gcode')).length;
    for (let i = 0; i < 20; i++) {
      expect((await call('GET', '/printer/p1/api/job')).json.job.estimatedPrintTime).to.equal(first);
      expect((await call('GET', '/api/printers')).json.printers[0].job.file.name).to.equal('cube.gcode');
    }
    expect(onCube(), 'stats of the job file over 40 polls').to.equal(0);

    // the same name, a longer file: the next poll reads the new details
    stats = [];
    expect((await call('POST', '/api/files/local', { body: uploadForm('cube.gcode', typicalLines(400).join('\n')) })).status).to.equal(201);
    await waitFor(async () => ((await call('GET', '/printer/p1/api/job')).json.job.estimatedPrintTime as number) > first, 10000, 'the new analysis in /api/job');
    const polled = onCube();
    for (let i = 0; i < 10; i++) await call('GET', '/printer/p1/api/job');
    // (the analysis may land its metadata once more after the estimate showed: one more read at most)
    expect(onCube() - polled, 'stats over 10 polls once read again').to.be.at.most(1);
  });

  it('asks the printer for its card listing (M20) once over many polls of an SD job', async () => {
    t = await startApiHost({ config: { ...fastSerial(), printers: [{ id: 'p1', name: 'One', connection: { port: 'virtual', autoconnect: true } }] } });
    const call = api(t);
    const p1 = t.get<PrinterRegistry>(PrinterRegistry).get('p1')!.printer;
    await waitFor(() => p1.snapshot().state.id === 'OPERATIONAL', 10000, 'p1 operational');
    // what went down the wire to the printer
    const sent: string[] = [];
    p1.onLog(({ direction, line }) => direction === 'send' && sent.push(line));
    expect((await call('POST', '/api/files/sdcard', { body: uploadForm('part.gcode', typicalLines(20).join('\n')) })).status).to.equal(201);
    expect((await call('POST', '/api/files/sdcard/part.gcode', { body: { command: 'select' } })).status).to.equal(204);
    await waitFor(async () => (await call('GET', '/api/job')).json.job.file.name === 'part.gcode', 5000, 'the SD job');
    const m20 = () => sent.filter((line) => /^(N\d+ )?M20\b/.test(line)).length;
    const before = m20();
    expect(before, 'the listing is an M20 on the wire (else this test proves nothing)').to.be.greaterThan(0);
    for (let i = 0; i < 20; i++) {
      expect((await call('GET', '/api/job')).json.job.file.origin).to.equal('sdcard');
      await call('GET', '/api/printers');
    }
    expect(m20() - before, 'M20s over 40 polls').to.be.at.most(1);
  });
});
