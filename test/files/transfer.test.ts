/**
 * copy() and move() never overwrite: many transfers racing to one destination leave exactly one
 * winner, the others get 409 and lose nothing (a moved source that lost is still in place), and a
 * destination that appears while a transfer runs is not replaced.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { expect } from 'chai';
import { FileManager, FileOperationError } from '../../core/files/file-manager.js';
import { startTestHost, type TestHost } from '../support/host.js';

const RACERS = 12;

describe('file transfer never overwrites', () => {
  let t: TestHost;
  let files: FileManager;
  let root: string;

  before(async () => {
    t = await startTestHost({ config: { files: { analysis: { enabled: false } } } });
    files = t.get<FileManager>(FileManager);
    root = path.dirname(files.diskPath('x.gcode'));
  });
  after(async () => t?.stop());

  async function put(rel: string, text: string): Promise<void> {
    await files.addFile('local', rel, Readable.from([Buffer.from(text)]));
  }

  /** Runs `RACERS` transfers at once; returns the indexes that succeeded and the statuses of the rest. */
  async function race(run: (i: number) => Promise<unknown>): Promise<{ won: number[]; statuses: number[] }> {
    const results = await Promise.allSettled(Array.from({ length: RACERS }, (_, i) => run(i)));
    const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
    const statuses = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as FileOperationError).status] : []));
    return { won, statuses };
  }

  it('copies of different files to one name: one wins, the others get 409, the file is the winner\'s', async () => {
    for (let i = 0; i < RACERS; i++) await put(`copy-src-${i}.gcode`, `; source ${i}\n`);
    const { won, statuses } = await race((i) => files.copy('local', `copy-src-${i}.gcode`, 'copy-dst.gcode'));
    expect(won).to.have.length(1);
    expect(statuses).to.deep.equal(Array(RACERS - 1).fill(409));
    expect(fs.readFileSync(path.join(root, 'copy-dst.gcode'), 'utf8')).to.equal(`; source ${won[0]}\n`);
  });

  it('moves of different files to one name: one wins, every other source is still in place', async () => {
    for (let i = 0; i < RACERS; i++) await put(`move-src-${i}.gcode`, `; mover ${i}\n`);
    const { won, statuses } = await race((i) => files.move('local', `move-src-${i}.gcode`, 'move-dst.gcode'));
    expect(won).to.have.length(1);
    expect(statuses).to.deep.equal(Array(RACERS - 1).fill(409));
    expect(fs.readFileSync(path.join(root, 'move-dst.gcode'), 'utf8')).to.equal(`; mover ${won[0]}\n`);
    for (let i = 0; i < RACERS; i++) expect(fs.existsSync(path.join(root, `move-src-${i}.gcode`)), `source ${i}`).to.equal(i !== won[0]);
  });

  it('folders copied and moved to one name: one wins, nothing is merged into it', async () => {
    for (let i = 0; i < RACERS; i++) await put(`dir-${i}/part-${i}.gcode`, `; part ${i}\n`);
    const copies = await race((i) => files.copy('local', `dir-${i}`, 'dir-copy'));
    expect(copies.won).to.have.length(1);
    expect(copies.statuses).to.deep.equal(Array(RACERS - 1).fill(409));
    expect(fs.readdirSync(path.join(root, 'dir-copy')).filter((n) => !n.startsWith('.'))).to.deep.equal([`part-${copies.won[0]}.gcode`]);

    const moves = await race((i) => files.move('local', `dir-${i}`, 'dir-moved'));
    expect(moves.won).to.have.length(1);
    expect(moves.statuses).to.deep.equal(Array(RACERS - 1).fill(409));
    expect(fs.readdirSync(path.join(root, 'dir-moved')).filter((n) => !n.startsWith('.'))).to.deep.equal([`part-${moves.won[0]}.gcode`]);
    for (let i = 0; i < RACERS; i++) expect(fs.existsSync(path.join(root, `dir-${i}`))).to.equal(i !== moves.won[0]);
  });

  it('a file written at the destination while a copy runs is not replaced', async () => {
    await put('slow-src.gcode', '; the copy\n');
    // the destination appears between the start of the copy and its last step
    const copying = files.copy('local', 'slow-src.gcode', 'appeared.gcode');
    fs.writeFileSync(path.join(root, 'appeared.gcode'), '; written by someone else\n');
    const outcome = await copying.then(
      () => 'copied',
      (err: FileOperationError) => err.status,
    );
    expect(outcome).to.equal(409);
    expect(fs.readFileSync(path.join(root, 'appeared.gcode'), 'utf8')).to.equal('; written by someone else\n');
  });
});
