/** The G-code analyser: modes and codes it must honour, the time model's figures, chunking, and `cuttle analyse`. */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { GcodeAnalysisResult } from '../../core/events/analysis-result.js';
import { AnalysisQueue } from '../../core/files/analysis/analysis-queue.js';
import { GcodeAnalyser, type AnalyserOptions } from '../../core/files/analysis/gcode-analyser.js';
import { trapezoidTime } from '../../core/files/analysis/motion-planner.js';

function analyse(text: string, options: AnalyserOptions = {}): GcodeAnalysisResult {
  const analyser = new GcodeAnalyser(options);
  analyser.push(Buffer.from(text));
  return analyser.finish();
}

const FAST = { limits: { maxFeedrate: { x: 1000, y: 1000, z: 1000, e: 1000 }, maxAcceleration: { x: 1e6, y: 1e6, z: 1e6, e: 1e6 } } };

describe('G-code analyser', () => {
  it('computes OctoPrint figures: filament per tool, areas, dimensions, layers', () => {
    const r = analyse(['G21', 'G90', 'M82', 'G1 Z0.2 F600', 'G1 X10 Y0 E1', 'G1 X10 Y10 E2', 'G1 Z0.4', 'G1 X0 Y10 E3', 'G0 X50 Y50', ''].join('\n'));
    expect(r.filament).to.deep.equal({ tool0: { length: 3, volume: 0.007 } });
    expect(r.printingArea).to.deep.equal({ minX: 0, minY: 0, minZ: 0.2, maxX: 10, maxY: 10, maxZ: 0.4 });
    expect(r.travelArea).to.deep.equal({ minX: 0, minY: 0, minZ: 0, maxX: 50, maxY: 50, maxZ: 0.4 });
    expect(r.dimensions).to.deep.equal({ width: 10, depth: 10, height: 0.2 });
    expect(r.layerCount).to.equal(2);
    expect(r.estimator).to.match(/trapezoid/);
  });

  it('honours G91, M83, G92, G20 and tool changes; retractions do not count twice', () => {
    const r = analyse(
      [
        'G91', // relative XYZ and E
        'G1 X10 E1',
        'G1 X10 E1',
        'G90',
        'M83', // relative E only
        'G1 X30 E1',
        'G1 E-2', // retract
        'G1 E2', // prime: no new filament
        'G92 E0',
        'M82',
        'T1',
        'G1 X40 E5',
        'G20', // inches
        'G1 X2 E6', // X 50.8 mm, E 6 inches absolute = 152.4 mm
        '',
      ].join('\n'),
    );
    expect(r.filament.tool0!.length).to.equal(3);
    expect(r.filament.tool1!.length).to.equal(152.4);
    expect(r.printingArea.maxX).to.equal(50.8);
  });

  it('follows arcs (G2/G3 with I/J and R) for length and bounding box', () => {
    // a clockwise half circle from (0,0) to (20,0) around (10,0) passes (10,10)
    const cw = analyse('G1 X0 Y0\nG2 X20 Y0 I10 J0 E1\n');
    expect(cw.printingArea).to.include({ minX: 0, maxX: 20, minY: 0, maxY: 10 });
    const ccw = analyse('G1 X0 Y0\nG3 X20 Y0 I10 J0 E1\n');
    expect(ccw.printingArea).to.include({ minY: -10, maxY: 0 });
    const r = analyse('G1 X0 Y0\nG2 X20 Y0 R10 E1\n');
    expect(r.printingArea.maxX).to.equal(20);
    // a full circle (same start and end) of radius 10 at 10 mm/s, unlimited acceleration: 2π·10/10 s
    const full = analyse('G1 X0 Y0 F600\nG2 X0 Y0 I10 J0 E1\n', { ...FAST, limits: { ...FAST.limits, printAcceleration: 1e9, travelAcceleration: 1e9 } });
    expect(full.estimatedPrintTime).to.be.closeTo(2 * Math.PI, 1e-3);
    expect(full.printingArea).to.include({ minX: 0, maxX: 20, minY: -10, maxY: 10 });
  });

  it('estimates one straight move as a trapezoid (accelerate, cruise, decelerate)', () => {
    // 100 mm at 100 mm/s with 1000 mm/s²: 5 mm to accelerate (0.1 s), 90 mm cruising, 5 mm to stop
    const r = analyse('G1 X100 F6000\n', { limits: { ...FAST.limits, travelAcceleration: 1000 } });
    expect(r.estimatedPrintTime).to.be.closeTo(1.1, 1e-9);
    expect(trapezoidTime(1, 0, 0, 100, 1000)).to.be.closeTo(2 * Math.sqrt(1 / 1000), 1e-12);
  });

  it('keeps speed through straight joints and slows at corners (junction deviation)', () => {
    const options = { limits: { ...FAST.limits, travelAcceleration: 1000 } };
    const straight = analyse('G1 X50 F6000\nG1 X100\n', options).estimatedPrintTime;
    const corner = analyse('G1 X50 F6000\nG1 X50 Y50\n', options).estimatedPrintTime;
    expect(straight).to.be.closeTo(1.1, 1e-9);
    expect(corner).to.be.greaterThan(1.1);
  });

  it('adds dwells and applies M204 from the file', () => {
    const slow = analyse('M204 T100\nG1 X100 F6000\n', FAST).estimatedPrintTime;
    const fast = analyse('M204 T10000\nG1 X100 F6000\n', FAST).estimatedPrintTime;
    expect(slow).to.be.greaterThan(fast);
    const dwell = analyse('G4 P1500\nG4 S2\n').estimatedPrintTime;
    expect(dwell).to.be.closeTo(3.5, 1e-9);
  });

  it('ignores comments, line numbers, checksums and junk; gives the same result however it is chunked', () => {
    const text = [
      '; a comment G1 X1000',
      'N1 G1 X10 Y10 E1*57',
      'g1 x20 (inline comment X999) y20 e2 ; tail X500',
      'M117 Hello G1 X1000',
      'garbage line',
      '   G1    X30\tY30 E3',
      'G1 X40 Y40 E4', // no newline at the end
    ].join('\r\n');
    const whole = analyse(text);
    expect(whole.printingArea).to.include({ maxX: 40, maxY: 40 });
    expect(whole.travelArea.maxX).to.equal(40);
    const chunked = new GcodeAnalyser();
    const bytes = Buffer.from(text);
    for (let i = 0; i < bytes.length; i += 3) chunked.push(bytes.subarray(i, i + 3));
    expect(chunked.finish()).to.deep.equal(whole);
  });

  it('runs in the worker thread through the queue, in order, and `cuttle analyse` prints the result as JSON', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cuttle-analyse-'));
    try {
      const a = path.join(dir, 'a.gcode');
      const b = path.join(dir, 'b.gcode');
      fs.writeFileSync(a, 'G1 X10 E1\n');
      fs.writeFileSync(b, 'G1 X10 E2\n');
      const queue = new AnalysisQueue();
      const started: string[] = [];
      const [ra, rb] = await Promise.all([
        queue.analyse({ file: a, options: {}, onStart: () => started.push('a') }),
        queue.analyse({ file: b, options: {}, onStart: () => started.push('b') }),
      ]);
      await queue.analyse({ file: path.join(dir, 'missing.gcode'), options: {} }).then(
        () => expect.fail('missing file analysed'),
        (err: Error) => expect(err.message).to.match(/ENOENT/),
      );
      await queue.dispose();
      expect(started).to.deep.equal(['a', 'b']);
      expect(ra.filament.tool0!.length).to.equal(1);
      expect(rb.filament.tool0!.length).to.equal(2);

      const cli = path.resolve(__dirname, '..', '..', 'core', 'cli', 'main.js');
      const out = JSON.parse(execFileSync(process.execPath, [cli, 'analyse', b], { encoding: 'utf8' })) as GcodeAnalysisResult;
      expect(out).to.deep.equal(rb);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
