/**
 * Two printers recording a timelapse at once, with the real ffmpeg and the test-pattern camera: both
 * print the same file started in the same instant, so both want the same set name; each gets its
 * own set (the folder is the claim), its own frames, its own movie, and the Timelapse events carry
 * the printer; one printer may not delete or render the other's set while it records; the two
 * movies are rendered one after the other (one queue for the host).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { FileManager } from '../../core/files/file-manager.js';
import { PrinterRegistry } from '../../core/printers/printer-registry.js';
import { fastSerial } from '../printer/helpers.js';
import { record, storeFile } from '../slicing/support.js';
import { startApiHost } from '../api/support.js';
import type { TestHost } from '../support/host.js';

import { layerGcode, probe } from '../timelapse/support.js';
import { stopFarm, virtualPrinter } from './support.js';
import { waitFor } from '../support/wait.js';

describe('farm events: two printers record timelapses at once', function () {
  this.timeout(90000);
  let t: TestHost | undefined;
  after(() => stopFarm(t));

  it('gives each its own set, frames and movie, events with its printer, rendered one at a time', async () => {
    t = await startApiHost({
      config: {
        ...fastSerial({ speedFactor: 1 }),
        printers: [virtualPrinter('p1'), virtualPrinter('p2')],
        timelapse: { type: 'zchange', fps: 10, postRoll: 0, zchangeDelayMs: 0 },
      },
    });
    const registry = t.get<PrinterRegistry>(PrinterRegistry);
    const events = record(t.host.bus);
    const gcode = layerGcode(5, { dwellMs: 1000 });
    await storeFile(t, 'same.gcode', gcode);
    const diskPath = t.get<FileManager>(FileManager).diskPath('same.gcode');
    for (const scope of registry.list()) await scope.printer.connect();
    const file = { origin: 'local' as const, path: 'same.gcode', name: 'same.gcode', size: Buffer.byteLength(gcode), diskPath };
    await Promise.all(registry.list().map((scope) => scope.printer.selectFile(file, true)));
    // while p2 records (its dwells keep it printing for seconds after its first frame), p1's
    // service sees p2's set as recording and may neither delete nor render it
    const firstOfP2 = await waitFor(() => events.find((e) => e.name === 'CaptureStart' && (e.payload as { printer?: string }).printer === 'p2'), 20000, 'a p2 frame');
    const p2Set = path.basename(path.dirname((firstOfP2.payload as { file: string }).file));
    const p1 = registry.get('p1')!.timelapse;
    expect((await p1.unrendered()).find((u) => u.name === p2Set)).to.include({ recording: true });
    for (const act of [() => p1.deleteUnrendered(p2Set), () => p1.render(p2Set)]) {
      const refused = await act().then(() => null, (err: unknown) => err);
      expect(refused).to.include({ status: 409 });
    }
    const done = (printer: string) => events.filter((e) => e.name === 'MovieDone' && (e.payload as { printer?: string }).printer === printer);
    await waitFor(() => done('p1').length === 1 && done('p2').length === 1, 60000, 'a movie for each printer');
    const movies = ['p1', 'p2'].map((id) => (done(id)[0]!.payload as { movie: string; gcode: string }));
    expect(movies[0]!.movie).to.not.equal(movies[1]!.movie);
    for (const movie of movies) {
      expect(movie.gcode).to.equal('same.gcode');
      expect(existsSync(movie.movie)).to.equal(true);
      expect(probe(movie.movie).frames, 'its own 5 layers, not the other printer\'s').to.equal(5);
    }
    // frames: each printer's captures went into its own set's folder
    const folders = (id: string) =>
      new Set(events.filter((e) => e.name === 'CaptureDone' && (e.payload as { printer?: string }).printer === id).map((e) => (e.payload as { file: string }).file.split('/').slice(0, -1).join('/')));
    expect(folders('p1').size).to.equal(1);
    expect(folders('p2').size).to.equal(1);
    expect([...folders('p1')][0]).to.not.equal([...folders('p2')][0]);
    // one render at a time: the second MovieRendering comes after the first MovieDone
    const order = events.filter((e) => e.name === 'MovieRendering' || e.name === 'MovieDone').map((e) => e.name);
    expect(order).to.deep.equal(['MovieRendering', 'MovieDone', 'MovieRendering', 'MovieDone']);
    expect(await registry.get('p1')!.timelapse.unrendered()).to.deep.equal([]);
  });
});
