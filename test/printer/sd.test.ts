/** The SD-card protocol through the printer service: M21, M28/M29 upload, M20 list, M23/M24 print with PrintDone, M30 delete. */
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { fastSerial, startPrinterHost, tempDir, waitFor, type PrinterHost } from './helpers.js';

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
    await waitFor('PrintDone', () => h.names().includes('PrintDone'));
    const done = h.events.find((e) => e.name === 'PrintDone')!.payload as Record<string, unknown>;
    expect(done).to.include({ origin: 'sdcard', path: 'part.gcode', file: 'part.gcode', filename: 'part.gcode' });
    expect(h.printer.state.id).to.equal('OPERATIONAL');
    expect(await h.printer.sd.status()).to.deep.equal({ printing: false, filepos: null, size: null });

    await h.printer.sd.remove('part.gcode');
    expect(await h.printer.sd.list()).to.deep.equal([]);
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
});
