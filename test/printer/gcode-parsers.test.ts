/**
 * The two G-code parsers, the host's (protocol/gcode.ts + tracker.ts, per line sent) and the file
 * analyser's byte scanner, against one table. What both must do:
 *  - `;` ends a line's command and `(…)` is a comment wherever it stands, even unclosed;
 *  - a sub-code (G1.1, G28.1) is another command: never taken for its parent;
 *  - G20 switches to inches: positions come out in millimetres; G21 switches back;
 *  - case, leading zeros, a line number and a checksum change nothing.
 */
import { expect } from 'chai';
import { GcodeAnalyser } from '../../core/files/analysis/gcode-analyser.js';
import { commandCode, normalizeCommand } from '../../core/printer/protocol/gcode.js';
import { MachineTracker } from '../../core/printer/tracker.js';

interface Case {
  lines: string[];
  /** the host's code for the last line */
  code: string | null;
  /** Z and extruded length afterwards, in millimetres */
  z: number;
  e: number;
}

const CASES: Record<string, Case> = {
  'a plain move': { lines: ['G1 Z0.3 E2'], code: 'G1', z: 0.3, e: 2 },
  'a parenthesis comment between parameters': { lines: ['G1 Z0.3 (not Z9 E5) E2 (nor E7)'], code: 'G1', z: 0.3, e: 2 },
  'a parenthesis comment after the code': { lines: ['G1 (lift first) Z0.4 E1'], code: 'G1', z: 0.4, e: 1 },
  'an unclosed parenthesis comment': { lines: ['G1 Z0.3 E2 (Z9 E9'], code: 'G1', z: 0.3, e: 2 },
  'lower case, a leading zero and a ; comment': { lines: ['g01 z0.3 e2 ; Z7 E7'], code: 'G1', z: 0.3, e: 2 },
  'a line number and a checksum': { lines: ['N10 G1 Z0.3 E2*77'], code: 'G1', z: 0.3, e: 2 },
  'a sub-code of a move is not a move': { lines: ['G1.1 Z5 E5'], code: 'G1.1', z: 0, e: 0 },
  'a sub-code of G28 is not a home': { lines: ['G1 Z2 E1', 'G28.1'], code: 'G28.1', z: 2, e: 1 },
  'G20 inches come out in millimetres': { lines: ['G20', 'G1 Z0.1 E0.1'], code: 'G1', z: 2.54, e: 2.54 },
  'G21 switches back to millimetres': { lines: ['G20', 'G21', 'G1 Z0.3 E2'], code: 'G1', z: 0.3, e: 2 },
};

const PREAMBLE = ['G90', 'M82', 'G92 E0', 'G1 Z0'];

function host(lines: string[]): { code: string | null; z: number | null; e: number | null } {
  const tracker = new MachineTracker();
  let code: string | null = null;
  for (const line of [...PREAMBLE, ...lines]) {
    const command = normalizeCommand(line);
    code = commandCode(command);
    tracker.apply(code, command);
  }
  return { code, z: tracker.z, e: tracker.e };
}

function analyser(lines: string[]): { z: number; e: number } {
  const a = new GcodeAnalyser();
  a.push(Buffer.from([...PREAMBLE, ...lines, ''].join('\n')));
  const result = a.finish();
  // every case ends with its extruding move (if any): the printing area's top is its Z
  return { z: result.printingArea.maxZ, e: result.filament['tool0']?.length ?? 0 };
}

describe('the two G-code parsers agree', () => {
  for (const [name, c] of Object.entries(CASES)) {
    it(name, () => {
      const h = host(c.lines);
      expect(h.code, 'host: code').to.equal(c.code);
      expect(h.z, 'host: Z').to.be.closeTo(c.z, 1e-6);
      expect(h.e, 'host: E').to.be.closeTo(c.e, 1e-6);
      const a = analyser(c.lines);
      expect(a.z, 'analyser: Z').to.be.closeTo(c.z, 1e-3);
      expect(a.e, 'analyser: E').to.be.closeTo(c.e, 1e-3);
    });
  }
});

describe('commandCode, scanned by hand on the serial path, answers as its specification pattern does', () => {
  // the pattern the scanner replaced (gcode.ts scanCode): any case, a line number, spaces, a sub-code
  const SPEC = /^\s*(?:N\d+\s*)?([GMT])\s*(\d+)(?:\.(\d+))?/i;
  const bySpec = (command: string): string | null => {
    const m = SPEC.exec(command);
    if (!m) return null;
    const code = `${m[1]!.toUpperCase()}${Number(m[2])}`;
    return m[3] === undefined ? code : `${code}.${Number(m[3])}`;
  };
  it('on 20 000 commands made of the characters that matter (seeded)', () => {
    const alphabet = ['G', 'g', 'M', 'm', 'T', 't', 'N', 'n', 'X', '0', '1', '2', '9', '.', ' ', '\t', '\u00a0', ';', '*', '-', '1000', '007'];
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let i = 0; i < 20000; i++) {
      let command = '';
      for (let n = Math.floor(next() * 10); n >= 0; n--) command += alphabet[Math.floor(next() * alphabet.length)];
      expect(commandCode(command), JSON.stringify(command)).to.equal(bySpec(command));
    }
  });
});
