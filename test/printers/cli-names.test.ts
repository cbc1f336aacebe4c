/**
 * `cuttle printers list` prints names with control characters escaped: a name is user text, and
 * a terminal obeys the escape sequences in what it is given (retitle, clear, reorder).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { shown } from '../../core/cli/shown.js';
import { cli } from '../support/cli.js';
import { savedPrinters } from './support.js';

describe('CLI output of user text', () => {
  it('shown() turns C0, DEL, C1 and bidi controls into visible escapes and leaves other text alone', () => {
    expect(shown('Voron\x1b]0;pwned\x07 2.4')).to.equal('Voron\\x1b]0;pwned\\x07 2.4');
    expect(shown('a\r\nb\tc\x7f\x9b')).to.equal('a\\x0d\\x0ab\\x09c\\x7f\\x9b');
    expect(shown('left\u202eright')).to.equal('left\\u202eright');
    expect(shown('Prusa MK4 — «Bürö» 🖨')).to.equal('Prusa MK4 — «Bürö» 🖨');
  });

  it('printers list (no host) prints a hostile name escaped, and add echoes it escaped', async () => {
    const basedir = mkdtempSync(path.join(os.tmpdir(), 'cuttle-cli-names-'));
    try {
      writeFileSync(path.join(basedir, 'config.yaml'), 'printers:\n  - { id: p1, connection: { port: virtual } }\n');
      const name = 'Evil\x1b[2J\x1b]0;owned\x07\rFake';
      const add = await cli(['printers', 'add', '--basedir', basedir, '--id', 'p2', '--name', name, '--port', 'virtual']);
      expect(add.code, add.stderr).to.equal(0);
      expect(add.stdout).to.not.match(/[\x00-\x08\x0b-\x1f\x7f]/);
      expect(add.stdout).to.include('Evil\\x1b[2J\\x1b]0;owned\\x07\\x0dFake');
      const list = await cli(['printers', 'list', '--basedir', basedir]);
      expect(list.code, list.stderr).to.equal(0);
      expect(list.stdout).to.not.match(/[\x00-\x08\x0b-\x1f\x7f]/);
      expect(list.stdout).to.match(/p2\s+Evil\\x1b\[2J\\x1b\]0;owned\\x07\\x0dFake\s+virtual/);
      // stored as given: only what is printed is escaped
      expect(savedPrinters(basedir)[1]!.name).to.equal(name);
    } finally {
      rmSync(basedir, { recursive: true, force: true });
    }
  });
});
