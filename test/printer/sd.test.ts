/** The SD-card protocol through the printer service: M21, M28/M29 upload, M20 list, M23/M24 print with PrintDone, M30 delete. */
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { fastSerial, startPrinterHost, tempDir, type PrinterHost } from './helpers.js';
import { waitFor } from '../support/wait.js';

describe('SD card', () => {
  let h: PrinterHost;
  afterEach(async () => h?.stop());

  it('uploads, lists, prints and deletes a file on the printer\'s card', async () => {
    const sdFolder = tempDir();
    h = await startPrinterHost(fastSerial({ sdFolder }, { sdStatusInterval: 0.1 }));
    await h.printer.connect();
    await h.printer.sd.init();
    let changes = 0;
    h.printer.sd.onChanged(() => changes++);
    const progress: number[] = [];
    const content = ['; header comment', 'G28', '', 'G1 Z0.2 F600 ; first layer', ...Array.from({ length: 100 }, (_, i) => `G1 X${i} E${i / 10}`)];
    await h.printer.sd.upload('part.gcode', content, (n) => progress.push(n));
    expect(progress.at(-1)).to.equal(102);
    expect(fs.readFileSync(path.join(sdFolder, 'part.gcode'), 'utf8').split('\n').slice(0, 3)).to.deep.equal(['G28', 'G1 Z0.2 F600', 'G1 X0 E0']);
    expect(await h.printer.sd.list()).to.deep.include({ name: 'part.gcode', size: fs.statSync(path.join(sdFolder, 'part.gcode')).size });

    await h.printer.selectFile({ origin: 'sdcard', path: 'part.gcode', name: 'part.gcode', size: null }, true);
    expect(h.printer.snapshot().job!.size).to.equal(fs.statSync(path.join(sdFolder, 'part.gcode')).size);
    await waitFor(() => h.names().includes('PrintDone'), 10000, 'PrintDone');
    const done = h.events.find((e) => e.name === 'PrintDone')!.payload as Record<string, unknown>;
    expect(done).to.include({ origin: 'sdcard', path: 'part.gcode', file: 'part.gcode', filename: 'part.gcode' });
    expect(h.printer.state.id).to.equal('OPERATIONAL');
    expect(await h.printer.sd.status()).to.deep.equal({ printing: false, filepos: null, size: null });

    expect(h.printer.sd.localCopy('part.gcode')).to.be.a('string');
    await h.printer.sd.remove('part.gcode');
    expect(await h.printer.sd.list()).to.deep.equal([]);
    expect(h.printer.sd.localCopy('part.gcode'), 'the copy goes with the card file').to.equal(null);
    expect(changes).to.equal(2);
    await h.printer.sd.remove('part.gcode').then(
      () => expect.fail('deleting a missing file must fail'),
      (err: Error) => expect(err.message).to.match(/Deletion failed/),
    );
    await h.printer.sd.upload('../escape.gcode', []).then(
      () => expect.fail('a path name must be refused'),
      (err: Error) => expect(err.message).to.match(/not a valid SD card file name/),
    );
  });

  it('derives G-code events for an SD print from the copy kept at upload, as the printer gets to them', async () => {
    const sdFolder = tempDir();
    h = await startPrinterHost(fastSerial({ sdFolder, motion: true, speedFactor: 20 }, { sdStatusInterval: 0.1 }));
    await h.printer.connect();
    const moves = Array.from({ length: 30 }, (_, i) => `G1 X${10 + i} Y${10 + (i % 5)} E${(i + 1) * 0.1} F3000`);
    const content = ['G28', 'G1 Z0.2 F600', ...moves, 'G1 Z0.4', ...moves.map((m) => m.replace(/E[\d.]+/, (e) => `E${Number(e.slice(1)) + 3}`)), 'M300 S440 P10'];
    await h.printer.sd.upload('layers.gcode', content);
    // the host kept a copy of what it wrote to the card: the events come from it
    expect(fs.readFileSync(h.printer.sd.localCopy('layers.gcode')!, 'utf8')).to.equal(fs.readFileSync(path.join(sdFolder, 'layers.gcode'), 'utf8'));
    await h.printer.selectFile({ origin: 'sdcard', path: 'layers.gcode', name: 'layers.gcode', size: null }, true);
    await waitFor(() => h.names().includes('PrintDone'), 10000, 'PrintDone');
    const sd = h.events.filter((e) => e.name.startsWith('plugin_gcode_events_Sd'));
    expect(sd.map((e) => e.name.replace('plugin_gcode_events_', ''))).to.deep.equal(['SdHome', 'SdZChange', 'SdZChange', 'SdAlert']);
    expect(sd.filter((e) => e.name.endsWith('SdZChange')).map((e) => e.payload)).to.deep.equal([
      { old: 0, new: 0.2, printer: 'default' },
      { old: 0.2, new: 0.4, printer: 'default' },
    ]);
    expect(h.names(['Home', 'ZChange', 'Alert']), 'the spec events stay for commands sent by the host').to.deep.equal([]);
    expect(h.names().indexOf('PrintDone')).to.be.greaterThan(h.names().indexOf('plugin_gcode_events_SdAlert'));
  });
});
