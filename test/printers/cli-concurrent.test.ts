/**
 * config.yaml is changed under its lock by the CLI (and by the host's saves): `cuttle printers add`
 * run several times at once against a stopped host keeps every printer, where each run used to
 * write back the file it had read before the others wrote theirs.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { withFileLock } from '../../core/common/file-lock.js';
import { cli } from '../support/cli.js';
import printers from '../../core/cli/commands/printers.js';
import { configText, savedPrinters } from './support.js';

describe('config.yaml edits under a lock', () => {
  it('four `printers add` at once against a stopped host keep all four printers', async () => {
    const basedir = mkdtempSync(path.join(os.tmpdir(), 'cuttle-cli-concurrent-'));
    const log = console.log;
    try {
      writeFileSync(path.join(basedir, 'config.yaml'), '# the farm\nprinters:\n  - { id: p1, connection: { port: virtual } }\n');
      // in one process the four runs read config.yaml before any of them writes (each awaits its
      // save), so without the lock every run but the last loses its printer, every time
      console.log = () => undefined;
      const codes = await Promise.all(
        ['a', 'b', 'c', 'd'].map((id) => printers.run({ positional: ['add'], values: { basedir, id, port: 'virtual' } })),
      );
      console.log = log;
      expect(codes).to.deep.equal([0, 0, 0, 0]);
      expect(savedPrinters(basedir).map((p) => p.id).sort()).to.deep.equal(['a', 'b', 'c', 'd', 'p1']);
      // and as separate processes, as a user runs them from several shells
      const runs = await Promise.all(['e', 'f'].map((id) => cli(['printers', 'add', '--basedir', basedir, '--id', id, '--port', 'virtual'])));
      for (const run of runs) expect(run.code, run.stderr).to.equal(0);
      expect(savedPrinters(basedir).map((p) => p.id).sort()).to.deep.equal(['a', 'b', 'c', 'd', 'e', 'f', 'p1']);
      expect(configText(basedir)).to.match(/^# the farm\n/);
    } finally {
      console.log = log;
      rmSync(basedir, { recursive: true, force: true });
    }
  });

  it('a section takes its own lock again without waiting; a concurrent section of the process waits its turn', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cuttle-lock-'));
    const file = path.join(dir, 'config.yaml');
    const order: string[] = [];
    let releaseOuter!: () => void;
    const outerMayEnd = new Promise<void>((resolve) => (releaseOuter = resolve));
    try {
      const outer = withFileLock(file, async () => {
        order.push('outer in');
        await withFileLock(file, async () => order.push('nested'), { timeoutMs: 500 });
        await outerMayEnd;
        order.push('outer out');
      });
      // an unrelated section, started while the outer one holds the lock
      const other = withFileLock(file, async () => order.push('other'));
      await new Promise((resolve) => setImmediate(resolve));
      releaseOuter();
      await Promise.all([outer, other]);
      expect(order).to.deep.equal(['outer in', 'nested', 'outer out', 'other']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
