/**
 * A job's file details are read once per job, not on every poll: /api/job and /api/printers polled
 * over and over stat the job's file at most once, and read it again once the file changes (a new
 * upload under its name, its analysis).
 */
import { expect } from 'chai';
import fs from 'node:fs';
import { PrinterRegistry } from '../../core/printers/printer-registry.js';
import { api, startApiHost, uploadForm } from '../api/support.js';
import { typicalLines } from '../printer/helpers.js';
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
});
