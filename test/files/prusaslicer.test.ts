/**
 * The analyser against real slicer output: PrusaSlicer (installed as a real part) slices a cylinder;
 * our filament length must equal PrusaSlicer's own figure and, run with PrusaSlicer's default machine
 * limits, our time estimate must land near PrusaSlicer's (an accuracy check, not a speed check).
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { analyseFileSync } from '../../core/files/analysis/analyse-file.js';
import { needsTool } from '../support/tools.js';

const run = promisify(execFile);

/** an ASCII STL cylinder of `segments` sides */
function cylinder(radius: number, height: number, segments: number): string {
  const v = (x: number, y: number, z: number) => `   vertex ${x.toFixed(4)} ${y.toFixed(4)} ${z.toFixed(4)}`;
  const facet = (...p: [number, number, number][]) => [' facet normal 0 0 0', '  outer loop', ...p.map((q) => v(...q)), '  endloop', ' endfacet'];
  const lines = ['solid cylinder'];
  for (let i = 0; i < segments; i++) {
    const a0 = (2 * Math.PI * i) / segments;
    const a1 = (2 * Math.PI * (i + 1)) / segments;
    const [x0, y0, x1, y1] = [radius * Math.cos(a0), radius * Math.sin(a0), radius * Math.cos(a1), radius * Math.sin(a1)];
    lines.push(...facet([x0, y0, 0], [x1, y1, 0], [x1, y1, height]), ...facet([x0, y0, 0], [x1, y1, height], [x0, y0, height]));
    lines.push(...facet([0, 0, 0], [x1, y1, 0], [x0, y0, 0]), ...facet([0, 0, height], [x0, y0, height], [x1, y1, height]));
  }
  lines.push('endsolid cylinder');
  return lines.join('\n') + '\n';
}

/** PrusaSlicer's "normal mode" estimate, e.g. "1h 2m 3s", in seconds */
function slicerSeconds(text: string): number {
  const match = /estimated printing time \(normal mode\) = ([^\n]+)/.exec(text);
  if (!match) throw new Error('no estimate in the G-code');
  let seconds = 0;
  for (const [, n, unit] of match[1]!.matchAll(/(\d+)([dhms])/g)) seconds += Number(n) * { d: 86400, h: 3600, m: 60, s: 1 }[unit as 'd' | 'h' | 'm' | 's'];
  return seconds;
}

describe('G-code analyser on PrusaSlicer output', function () {
  this.timeout(60000);
  let dir: string;

  before(function () {
    needsTool(this, 'prusa-slicer');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cuttle-prusa-'));
  });
  after(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

  it("matches PrusaSlicer's filament length and comes within 5 % of its time estimate", async () => {
    const stl = path.join(dir, 'cylinder.stl');
    const gcode = path.join(dir, 'cylinder.gcode');
    fs.writeFileSync(stl, cylinder(12, 8, 72));
    await run('prusa-slicer', ['--export-gcode', stl, '-o', gcode], { timeout: 50000 });
    const text = fs.readFileSync(gcode, 'utf8');
    const filament = Number(/filament used \[mm\] = ([\d.]+)/.exec(text)![1]);
    // PrusaSlicer's defaults when no printer profile is given (machine_max_* options)
    const result = analyseFileSync(gcode, {
      limits: {
        printAcceleration: 1500,
        travelAcceleration: 1500,
        retractAcceleration: 1500,
        maxFeedrate: { x: 200, y: 200, z: 12, e: 120 },
        maxAcceleration: { x: 1500, y: 1500, z: 500, e: 10000 },
      },
    });
    expect(result.filament.tool0!.length).to.be.closeTo(filament, 0.05);
    const expected = slicerSeconds(text);
    expect(Math.abs(result.estimatedPrintTime - expected) / expected).to.be.below(0.05);
    expect(result.layerCount).to.equal(text.match(/^;LAYER_CHANGE/gm)!.length);
    expect(result.dimensions.height).to.be.closeTo(8, 0.3);
  });
});
