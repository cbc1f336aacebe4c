/**
 * copy() and move() never overwrite: many transfers racing to one destination leave exactly one
 * winner, the others get 409 and lose nothing (a moved source that lost is still in place; a folder
 * that arrives after the winner has finished goes into it, as a serial move would), and a
 * destination that appears while a transfer runs is not replaced.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { expect } from 'chai';
import { FileManager, FileOperationError, type StoredEntry } from '../../core/files/file-manager.js';
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

  /** Runs `RACERS` transfers at once; returns the indexes that succeeded, where each went, and the statuses of the rest. */
  async function race(run: (i: number) => Promise<StoredEntry>): Promise<{ won: number[]; paths: Map<number, string>; statuses: number[] }> {
    const results = await Promise.allSettled(Array.from({ length: RACERS }, (_, i) => run(i)));
    const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
    const paths = new Map(results.flatMap((r, i) => (r.status === 'fulfilled' ? [[i, r.value.path] as const] : [])));
    const statuses = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as FileOperationError).status] : []));
    return { won, paths, statuses };
  }

  /**
   * A folder race to `name`: one transfer makes `name`, and it holds that source's part alone. A
   * folder given as the destination means "into it" (OctoPrint's move), so a transfer that starts
   * after the winner has finished goes into `name` as a folder of its own, which is a serial outcome;
   * the rest get 409. Nothing is ever merged: no other source's part lies in `name` itself.
   */
  function expectOneFolderWinner(result: Awaited<ReturnType<typeof race>>, name: string): number {
    const made = result.won.filter((i) => result.paths.get(i) === name);
    expect(made, `transfers that made ${name}`).to.have.length(1);
    const into = result.won.filter((i) => i !== made[0]);
    for (const i of into) expect(result.paths.get(i)).to.equal(`${name}/dir-${i}`);
    expect(result.statuses).to.deep.equal(Array(RACERS - result.won.length).fill(409));
    const listed = fs.readdirSync(path.join(root, name)).filter((n) => !n.startsWith('.'));
    expect(listed.sort()).to.deep.equal([`part-${made[0]}.gcode`, ...into.map((i) => `dir-${i}`)].sort());
    for (const i of into) expect(fs.readdirSync(path.join(root, name, `dir-${i}`)).filter((n) => !n.startsWith('.'))).to.deep.equal([`part-${i}.gcode`]);
    return made[0]!;
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
    expectOneFolderWinner(await race((i) => files.copy('local', `dir-${i}`, 'dir-copy')), 'dir-copy');

    const moves = await race((i) => files.move('local', `dir-${i}`, 'dir-moved'));
    expectOneFolderWinner(moves, 'dir-moved');
    for (let i = 0; i < RACERS; i++) expect(fs.existsSync(path.join(root, `dir-${i}`)), `source dir-${i}`).to.equal(!moves.won.includes(i));
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
