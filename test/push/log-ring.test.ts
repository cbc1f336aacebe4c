/**
 * The serial-log ring of a push feed (core/push/log-ring.ts) against a plain array model: whatever it
 * still holds must be exactly the newest lines pushed, byte for byte, through wraps, long lines and
 * non-ASCII text, and it must never hold more than its entries.
 */
import { expect } from 'chai';
import { LogRing } from '../../core/push/log-ring.js';
import { seededRandom } from '../../core/printer/simulator/physics.js';

const PIECES = ['ok', 'N12 G1 X10.5 Y20.25 E0.0312*45', 'T:210.0 /210.0 B:60.0 /60.0', 'echo:Unknown command: "M9999"', 'Düse heizt ✓', '😀 emoji'];

describe('push log ring', () => {
  it('holds the newest lines, exactly, through wraps, long lines and multi-byte text', () => {
    const next = seededRandom(7);
    for (const [entries, bytes] of [
      [8, 300],
      [40, 2_000],
      [100, 256],
      [5, 10_000],
    ] as const) {
      const ring = new LogRing(entries, bytes);
      const model: string[] = [];
      for (let i = 0; i < 3_000; i++) {
        const long = next() < 0.03;
        const line = long ? 'x'.repeat(Math.floor(next() * 400)) : `${PIECES[Math.floor(next() * PIECES.length)]} ${i}`;
        const prefix = next() < 0.5 ? '>>> ' : '<<< ';
        ring.push(prefix, line);
        model.push(prefix + line);
        const held = ring.slice(0, ring.end);
        expect(held.length, `entries ${entries}`).to.be.at.most(entries);
        const newest = model.slice(model.length - held.length);
        // a line longer than the whole buffer keeps its start only; every other line is whole
        held.forEach((text, k) => (newest[k]!.length * 3 + 4 <= bytes ? expect(text).to.equal(newest[k]) : expect(newest[k]!.startsWith(text.replace(/\uFFFD$/, ''))).to.equal(true)));
        // the line just pushed is always there
        if (line.length * 3 + 4 <= bytes) expect(held[held.length - 1]).to.equal(prefix + line);
      }
    }
  });

  it('gives a range of line numbers, and only the lines of it still held', () => {
    const ring = new LogRing(4, 1_000);
    for (let i = 0; i < 10; i++) ring.push('', `line ${i}`);
    expect(ring.end).to.equal(10);
    expect(ring.slice(7, 9)).to.deep.equal(['line 7', 'line 8']);
    expect(ring.slice(0, 8)).to.deep.equal(['line 6', 'line 7']);
    expect(ring.newest(2)).to.deep.equal(['line 8', 'line 9']);
    expect(ring.newest(50)).to.deep.equal(['line 6', 'line 7', 'line 8', 'line 9']);
  });

  it('keeps nothing with no entries, and still counts', () => {
    const ring = new LogRing(0);
    ring.push('>>> ', 'G28');
    expect(ring.end).to.equal(1);
    expect(ring.newest(10)).to.deep.equal([]);
  });
});
