/**
 * Slicing and timelapses with the simulated printer: a model sliced by prusa-slicer and printed to
 * PrintDone, zchange and timed timelapses over real prints (ZChange/Print* from the printer plugins)
 * rendered to movies checked with ffprobe, and a print running to its end while a render goes on.
 */
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { FileManager } from '../../core/files/file-manager.js';
import { PrinterService } from '../../core/printer/printer-service.js';
import { SlicingService } from '../../core/slicing/slicing-service.js';
import { TimelapseService, type TimelapseConfig } from '../../core/timelapse/timelapse-service.js';
import type { TestHost } from '../support/host.js';
import { fastSerial } from '../printer/helpers.js';
import { boxStl, nextEvent, record, storeFile } from '../slicing/support.js';
import { startApiHost } from '../api/support.js';
import { probe } from './support.js';
import { PrinterRegistry } from '../../core/printers/printer-registry.js';

/** `layers` layers, each a Z move, a few extruding moves and a dwell of `dwellMs` (real time at speedFactor 1). */
function layeredGcode(layers: number, dwellMs: number): string {
  const lines = ['G28', 'G90', 'M82', 'G92 E0'];
  let e = 0;
  for (let layer = 1; layer <= layers; layer++) {
    lines.push(`G1 Z${(layer * 0.2).toFixed(2)} F600`);
    for (let i = 0; i < 4; i++) lines.push(`G1 X${10 + i * 5} Y${10 + layer} E${(e += 0.5).toFixed(2)} F3000`);
    lines.push(`G4 P${dwellMs}`);
  }
  return lines.join('\n') + '\n';
}

describe('slicing and timelapse with the simulated printer', function () {
  this.timeout(150000);
  let t: TestHost;
  let printer: PrinterService;
  let files: FileManager;

  before(async () => {
    // speedFactor 1 so that dwells take real time; moves are instant
    t = await startApiHost({ config: { ...fastSerial({ speedFactor: 1 }), timelapse: { fps: 10, postRoll: 0 } } });
    printer = t.get<PrinterRegistry>(PrinterRegistry).first()!.printer;
    files = t.get<FileManager>(FileManager);
    await printer.connect({ port: 'virtual' });
  });
  after(async () => {
    await printer?.disconnect().catch(() => undefined);
    await t?.stop();
  });

  async function print(p: string): Promise<void> {
    const stored = await files.get('local', p);
    await printer.selectFile({ origin: 'local', path: p, name: path.posix.basename(p), size: stored?.kind === 'file' ? stored.size : null, diskPath: files.diskPath(p) }, true);
  }

  it('prints the G-code prusa-slicer made of a cube (slice with print: true)', async () => {
    await storeFile(t, 'cube.stl', boxStl(8, 8, 1.2));
    const printed = nextEvent(t.host.bus, 'PrintDone', 120000, (p) => p.path === 'cube.gcode');
    const started = nextEvent(t.host.bus, 'PrintStarted', 120000, (p) => p.path === 'cube.gcode');
    // cold printing keeps the simulated heat-up out of the test time
    const cold = { temperature: '0', first_layer_temperature: '0', bed_temperature: '0', first_layer_bed_temperature: '0', layer_height: '0.3' };
    const { done } = await t.get<SlicingService>(SlicingService).slice({ origin: 'local', path: 'cube.stl', overrides: cold, print: true });
    expect((await done).result).to.equal('done');
    expect(await started).to.include({ name: 'cube.gcode', origin: 'local' });
    const finished = await printed;
    expect(finished.time).to.be.a('number');
  });

  /** Prints a layered job with the given timelapse settings; resolves with the bus events and the movie. */
  async function timelapseOfPrint(config: Partial<TimelapseConfig>, name: string, layers: number, dwellMs: number) {
    await t.get<PrinterRegistry>(PrinterRegistry).first()!.timelapse.configure({ postRoll: 0, fps: 10, ...config }, false);
    await storeFile(t, name, layeredGcode(layers, dwellMs));
    const events = record(t.host.bus);
    const movieDone = nextEvent(t.host.bus, 'MovieDone', 120000, (p) => p.gcode === name);
    await print(name);
    const movie = (await movieDone).movie as string;
    await t.get<PrinterRegistry>(PrinterRegistry).first()!.timelapse.configure({ type: 'off' }, false);
    return { events, movie, count: (event: string) => events.filter((e) => e.name === event).length };
  }

  it('records a zchange timelapse over a print and renders one frame per layer', async () => {
    const { events, movie, count } = await timelapseOfPrint({ type: 'zchange', zchangeDelayMs: 0 }, 'layers.gcode', 5, 150);
    expect(count('ZChange')).to.be.at.least(5);
    const { frames, duration } = probe(movie);
    expect(frames).to.equal(count('ZChange'), 'a frame per ZChange');
    expect(duration).to.be.closeTo(frames / 10, 0.05);
    const order = events.map((e) => e.name).filter((n) => ['PrintStarted', 'PrintDone', 'MovieRendering', 'MovieDone'].includes(n));
    expect(order).to.deep.equal(['PrintStarted', 'PrintDone', 'MovieRendering', 'MovieDone']);
  });

  it('records a timed timelapse over a print', async () => {
    const { movie, count } = await timelapseOfPrint({ type: 'timed', interval: 0.3 }, 'timed.gcode', 6, 250);
    expect(count('CaptureDone')).to.be.at.least(3);
    const { frames, duration } = probe(movie);
    expect(frames).to.equal(count('CaptureDone'));
    expect(duration).to.be.closeTo(frames / 10, 0.05);
  });

  it('lets a print run to its end while a long render goes on in the background', async () => {
    const timelapse = t.get<PrinterRegistry>(PrinterRegistry).first()!.timelapse;
    // a large frame set made directly on disk, rendered on request
    const set = path.join(t.host.settings.folder('timelapseTmp'), 'big_20260101000000');
    await fs.mkdir(set, { recursive: true });
    await fs.writeFile(path.join(set, 'set.json'), JSON.stringify({ gcode: 'big.gcode' }));
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=640x480:rate=25', '-frames:v', '100', '-q:v', '3', path.join(set, 'frame-%06d.jpg')]);
    await storeFile(t, 'quick.gcode', layeredGcode(3, 50));
    const events = record(t.host.bus);
    const rendered = nextEvent(t.host.bus, 'MovieDone', 120000, (p) => p.gcode === 'big.gcode');
    const rendering = nextEvent(t.host.bus, 'MovieRendering', 5000, (p) => p.gcode === 'big.gcode');
    await timelapse.render('big_20260101000000');
    await rendering;
    const printed = nextEvent(t.host.bus, 'PrintDone', 20000, (p) => p.path === 'quick.gcode');
    await print('quick.gcode');
    await printed;
    const stillRendering = (await timelapse.unrendered()).find((u) => u.name === 'big_20260101000000');
    await rendered;
    const order = events.map((e) => `${e.name}:${(e.payload as { gcode?: string; name?: string }).gcode ?? (e.payload as { name?: string }).name}`);
    expect(order.filter((o) => /^(MovieRendering|MovieDone|PrintStarted|PrintDone):/.test(o))).to.deep.equal([
      'MovieRendering:big.gcode',
      'PrintStarted:quick.gcode',
      'PrintDone:quick.gcode',
      'MovieDone:big.gcode',
    ]);
    expect(stillRendering?.rendering).to.equal(true);
  });
});
