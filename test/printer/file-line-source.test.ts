/**
 * The job's file reader (core/printer/job.ts, FileLineSource) against the plain reading of the same
 * file: every command in order, comments and blank lines dropped, each with the byte offset just
 * after its line; across 64 KiB chunk boundaries, CRLF, multi-byte text, a last line without a
 * newline, a resume from an offset, and lines taken while a chunk is being read.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileLineSource } from '../../core/printer/job.js';
import { normalizeCommand } from '../../core/printer/protocol/gcode.js';
import { seededRandom } from '../../core/printer/simulator/physics.js';
import { waitFor } from '../support/wait.js';

const KINDS = ['G1 X{n} Y{n} E0.04', '; a comment {n}', '', 'M117 Düse {n} ✓', 'G1 Z{n} ; layer', '   ', 'N{n} G1 X1*12', `;${'x'.repeat(300)}`];

/** A G-code text of about `bytes` bytes, with every kind of line. */
function gcodeText(seed: number, bytes: number, crlf: boolean, finalNewline: boolean): string {
  const next = seededRandom(seed);
  const lines: string[] = [];
  let size = 0;
  while (size < bytes) {
    const line = KINDS[Math.floor(next() * KINDS.length)]!.replace(/\{n\}/g, String(lines.length));
    lines.push(line);
    size += Buffer.byteLength(line) + 2;
  }
  const text = lines.join(crlf ? '\r\n' : '\n');
  return finalNewline ? text + (crlf ? '\r\n' : '\n') : text;
}

/** What the file holds, read plainly: each command and the offset just after its line. */
function expected(text: string, startAt = 0): { command: string; filepos: number }[] {
  const bytes = Buffer.from(text);
  const out: { command: string; filepos: number }[] = [];
  let start = startAt;
  while (start < bytes.length) {
    const newline = bytes.indexOf(10, start);
    const end = newline === -1 ? bytes.length : newline;
    const command = normalizeCommand(bytes.toString('utf8', start, end));
    const filepos = newline === -1 ? bytes.length : newline + 1;
    if (command) out.push({ command, filepos });
    start = filepos;
  }
  return out;
}

/** Every command `source` gives, taken as a job does: on and on, waiting when none is buffered yet. */
async function drain(file: string, startAt = 0): Promise<{ command: string; filepos: number }[]> {
  let ready = 0;
  const source = await FileLineSource.open(
    file,
    () => ready++,
    (err) => {
      throw err;
    },
    startAt,
  );
  const got: { command: string; filepos: number }[] = [];
  for (;;) {
    const next = source.next();
    if (next === 'eof') break;
    if (next === null) {
      const seen = ready;
      await waitFor(() => ready > seen, 5_000);
      continue;
    }
    got.push(next);
  }
  await source.close();
  return got;
}

describe('job file reader', () => {
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cuttle-line-source-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const [name, crlf, finalNewline] of [
    ['LF, final newline', false, true],
    ['CRLF, final newline', true, true],
    ['LF, no final newline', false, false],
  ] as const) {
    it(`gives every command with its offset, over several chunks (${name})`, async () => {
      const text = gcodeText(crlf ? 2 : finalNewline ? 1 : 3, 300_000, crlf, finalNewline);
      const file = path.join(dir, `${name}.gcode`);
      fs.writeFileSync(file, text);
      const want = expected(text);
      expect(want.length).to.be.greaterThan(2_000);
      expect(await drain(file)).to.deep.equal(want);
    });
  }

  it('resumes from an offset (a paused job restored), reading from there', async () => {
    const text = gcodeText(4, 150_000, false, true);
    const file = path.join(dir, 'resume.gcode');
    fs.writeFileSync(file, text);
    const from = expected(text)[1_000]!.filepos;
    expect(await drain(file, from)).to.deep.equal(expected(text, from));
  });

  it('gives nothing for an empty file or one of comments only', async () => {
    const empty = path.join(dir, 'empty.gcode');
    fs.writeFileSync(empty, '');
    expect(await drain(empty)).to.deep.equal([]);
    const comments = path.join(dir, 'comments.gcode');
    fs.writeFileSync(comments, '; only\n;comments\n\n');
    expect(await drain(comments)).to.deep.equal([]);
  });
});
