/**
 * The G-code analyser: a hand-written byte-level scanner (no per-line strings or regexes) feeding a
 * small machine model (G90/G91, M82/M83, G92, G20/G21, T<n>, G0-G3 arcs, G4, G28, M201/M203/M204/M205).
 * Produces OctoPrint's `gcodeAnalysis` figures plus the layer count and an acceleration-aware time.
 * Runs inside the analysis worker, and directly for `cuttle analyse` and the benchmark.
 */
import type { Area, GcodeAnalysisResult, ToolFilament } from '../../events/analysis-result.js';
import { DEFAULT_LIMITS, ESTIMATOR_NAME, MotionPlanner, type MotionLimits } from './motion-planner.js';

export interface AnalyserOptions {
  limits?: Partial<MotionLimits>;
  /** mm, for the volume figures */
  filamentDiameter?: number;
}

const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const SEMI = 59;
const STAR = 42;
const PAREN = 40;
const PAREN_END = 41;
const DOT = 46;
const MINUS = 45;
const PLUS = 43;
const D0 = 48;
const D9 = 57;

// parameter letters, as bits of the per-line mask
const A = 65;
const bit = (letter: string): number => 1 << (letter.charCodeAt(0) - A);
const BX = bit('X');
const BY = bit('Y');
const BZ = bit('Z');
const BE = bit('E');
const BF = bit('F');
const BI = bit('I');
const BJ = bit('J');
const BR = bit('R');
const BP = bit('P');
const BS = bit('S');
const BT = bit('T');
const iX = 23;
const iY = 24;
const iZ = 25;
const iE = 4;
const iF = 5;
const iI = 8;
const iJ = 9;
const iR = 17;
const iP = 15;
const iS = 18;
const iT = 19;

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
const TWO_PI = Math.PI * 2;

class Box {
  minX = Infinity;
  minY = Infinity;
  minZ = Infinity;
  maxX = -Infinity;
  maxY = -Infinity;
  maxZ = -Infinity;
  add(x: number, y: number, z: number): void {
    if (x < this.minX) this.minX = x;
    if (x > this.maxX) this.maxX = x;
    if (y < this.minY) this.minY = y;
    if (y > this.maxY) this.maxY = y;
    if (z < this.minZ) this.minZ = z;
    if (z > this.maxZ) this.maxZ = z;
  }
  area(): Area {
    const f = (v: number): number => (Number.isFinite(v) ? round3(v) : 0);
    return { minX: f(this.minX), minY: f(this.minY), minZ: f(this.minZ), maxX: f(this.maxX), maxY: f(this.maxY), maxZ: f(this.maxZ) };
  }
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}

export class GcodeAnalyser {
  private readonly planner: MotionPlanner;
  private readonly filamentArea: number;
  /** unparsed tail of the previous chunk (a line cut in two) */
  private carry: Uint8Array | null = null;
  private pos = 0;
  private buf: Uint8Array = new Uint8Array(0);
  /** parameter values by letter (A=0 … Z=25); slot 26 takes line numbers */
  private readonly vals = new Float64Array(27);
  /** parameters with a value on the current line */
  private mask = 0;
  /** parameter letters on the current line, with or without a value (G28 X) */
  private present = 0;

  private x = 0;
  private y = 0;
  private z = 0;
  private e = 0;
  private feed: number;
  private relative = false;
  private relativeE = false;
  private unit = 1;
  private tool = 0;
  /** per tool: extrusion so far and its maximum (so retract/prime pairs do not count twice) */
  private readonly extruded: number[] = [0];
  private readonly maxExtruded: number[] = [0];
  private readonly printing = new Box();
  private readonly travel = new Box();
  private readonly layers = new Set<number>();
  private lastLayerKey = NaN;
  /** the current position is already in the travel box / the printing box */
  private travelFrom = false;
  /** the current line's target position */
  private tx = 0;
  private ty = 0;
  private tz = 0;
  private te = 0;
  private printFrom = false;

  constructor(options: AnalyserOptions = {}) {
    const limits: MotionLimits = {
      ...DEFAULT_LIMITS,
      ...options.limits,
      maxFeedrate: { ...DEFAULT_LIMITS.maxFeedrate, ...options.limits?.maxFeedrate },
      maxAcceleration: { ...DEFAULT_LIMITS.maxAcceleration, ...options.limits?.maxAcceleration },
    };
    this.planner = new MotionPlanner(limits);
    this.feed = limits.defaultFeedrate;
    const d = options.filamentDiameter ?? 1.75;
    this.filamentArea = Math.PI * (d / 2) * (d / 2);
  }

  /** Scans a chunk; a line cut at the chunk's end is kept for the next call. */
  push(chunk: Uint8Array): void {
    let data = chunk;
    if (this.carry) {
      const joined = new Uint8Array(this.carry.length + chunk.length);
      joined.set(this.carry);
      joined.set(chunk, this.carry.length);
      data = joined;
      this.carry = null;
    }
    const last = data.lastIndexOf(LF);
    if (last < 0) {
      this.carry = data.slice();
      return;
    }
    this.scan(data, last + 1);
    if (last + 1 < data.length) this.carry = data.slice(last + 1);
  }

  /** Scans `data[0, end)`, which must end at a line break (the fast path of analyseFileSync). */
  pushLines(data: Uint8Array, end: number): void {
    if (this.carry) {
      this.push(data.subarray(0, end));
      return;
    }
    this.scan(data, end);
  }

  /** Ends the analysis and returns the result. */
  finish(): GcodeAnalysisResult {
    if (this.carry) {
      const tail = new Uint8Array(this.carry.length + 1);
      tail.set(this.carry);
      tail[this.carry.length] = LF;
      this.carry = null;
      this.scan(tail, tail.length);
    }
    this.planner.stop();
    const filament: Record<string, ToolFilament> = {};
    this.maxExtruded.forEach((length, tool) => {
      if (length > 0 || tool === 0) {
        filament[`tool${tool}`] = { length: round3(length), volume: round3((length * this.filamentArea) / 1000) };
      }
    });
    const printingArea = this.printing.area();
    const travelArea = this.travel.area();
    const dims = (a: Area) => ({ width: round3(a.maxX - a.minX), depth: round3(a.maxY - a.minY), height: round3(a.maxZ - a.minZ) });
    return {
      estimatedPrintTime: this.planner.seconds,
      filament,
      printingArea,
      dimensions: dims(printingArea),
      travelArea,
      travelDimensions: dims(travelArea),
      layerCount: this.layers.size,
      estimator: ESTIMATOR_NAME,
    };
  }

  private scan(data: Uint8Array, end: number): void {
    this.buf = data;
    this.pos = 0;
    while (this.pos < end) this.line(end);
  }

  /** Parses one line starting at `pos` and leaves `pos` after its newline. */
  private line(end: number): void {
    const b = this.buf;
    let c = this.skipBlanks(end);
    if (c === 78 || c === 110) {
      // N<line number>
      this.pos++;
      this.numberInto(26);
      c = this.skipBlanks(end);
    }
    const command = c & ~32;
    if (command !== 71 && command !== 77 && command !== 84) {
      this.skipLine(end);
      return;
    }
    this.pos++;
    const code = this.integer();
    if (b[this.pos] === DOT) {
      // subcodes (G29.1) are not ours: ignore the line
      this.skipLine(end);
      return;
    }
    if (command === 84) {
      this.toolChange(code);
      this.skipLine(end);
      return;
    }
    const vals = this.vals;
    let mask = 0;
    let present = 0;
    for (;;) {
      c = this.skipBlanks(end);
      if (c === LF || c === SEMI || c === STAR) break;
      if (c === PAREN) {
        while (this.pos < end && b[this.pos] !== PAREN_END && b[this.pos] !== LF) this.pos++;
        if (b[this.pos] === PAREN_END) this.pos++;
        continue;
      }
      const letter = (c & ~32) - A;
      this.pos++;
      if (letter < 0 || letter > 25) continue;
      present |= 1 << letter;
      const n = b[this.pos];
      if ((n >= D0 && n <= D9) || n === MINUS || n === PLUS || n === DOT) {
        this.numberInto(letter);
        mask |= 1 << letter;
      }
    }
    this.skipLine(end);
    this.mask = mask;
    this.present = present;
    if (command === 71) this.gcode(code);
    else this.mcode(code);
  }

  private skipBlanks(end: number): number {
    const b = this.buf;
    let p = this.pos;
    let c = b[p];
    while ((c === SPACE || c === TAB || c === CR) && p < end) c = b[++p];
    this.pos = p;
    return p < end ? c : LF;
  }

  private skipLine(end: number): void {
    const i = this.buf.indexOf(LF, this.pos);
    this.pos = i < 0 || i >= end ? end : i + 1;
  }

  private integer(): number {
    const b = this.buf;
    let p = this.pos;
    let v = 0;
    let c = b[p];
    while (c >= D0 && c <= D9) {
      v = v * 10 + (c - D0);
      c = b[++p];
    }
    this.pos = p;
    return v;
  }

  /**
   * Parses a number at `pos` into `vals[slot]`. Writing into the typed array instead of returning
   * the value avoids boxing a double per parameter when this call is not inlined.
   */
  private numberInto(slot: number): void {
    const b = this.buf;
    let p = this.pos;
    let c = b[p];
    let negative = false;
    if (c === MINUS) {
      negative = true;
      c = b[++p];
    } else if (c === PLUS) c = b[++p];
    let v = 0;
    while (c >= D0 && c <= D9) {
      v = v * 10 + (c - D0);
      c = b[++p];
    }
    if (c === DOT) {
      c = b[++p];
      let frac = 0;
      let digits = 0;
      while (c >= D0 && c <= D9) {
        if (digits < 22) {
          frac = frac * 10 + (c - D0);
          digits++;
        }
        c = b[++p];
      }
      v += frac / POW10[digits];
    }
    this.pos = p;
    this.vals[slot] = negative ? -v : v;
  }

  private toolChange(tool: number): void {
    if (tool > 63) return;
    this.tool = tool;
    while (this.extruded.length <= tool) {
      this.extruded.push(0);
      this.maxExtruded.push(0);
    }
  }

  private gcode(code: number): void {
    switch (code) {
      case 0:
      case 1:
        this.linear();
        break;
      case 2:
      case 3:
        this.arc(code === 2);
        break;
      case 4:
        this.dwell();
        break;
      case 20:
        this.unit = 25.4;
        break;
      case 21:
        this.unit = 1;
        break;
      case 28:
        this.home();
        break;
      case 90:
        this.relative = false;
        this.relativeE = false;
        break;
      case 91:
        this.relative = true;
        this.relativeE = true;
        break;
      case 92:
        this.setPosition();
        break;
    }
  }

  private mcode(code: number): void {
    const { mask, vals } = this;
    const limits = this.planner.limits;
    switch (code) {
      case 82:
        this.relativeE = false;
        break;
      case 83:
        this.relativeE = true;
        break;
      case 201:
        this.setAxes(limits.maxAcceleration);
        break;
      case 203:
        this.setAxes(limits.maxFeedrate);
        break;
      case 204:
        if (mask & BS) limits.printAcceleration = limits.travelAcceleration = vals[iS];
        if (mask & BP) limits.printAcceleration = vals[iP];
        if (mask & BT) limits.travelAcceleration = vals[iT];
        if (mask & BR) limits.retractAcceleration = vals[iR];
        break;
      case 205:
        if (mask & BJ && vals[iJ] > 0) limits.junctionDeviation = vals[iJ];
        break;
    }
    this.sanitiseLimits();
  }

  /** Copies the line's X/Y/Z/E values into a per-axis limit (M201, M203). */
  private setAxes(target: { x: number; y: number; z: number; e: number }): void {
    const { mask, vals } = this;
    if (mask & BX) target.x = vals[iX];
    if (mask & BY) target.y = vals[iY];
    if (mask & BZ) target.z = vals[iZ];
    if (mask & BE) target.e = vals[iE];
  }

  /** A file's nonsense limit (0, negative) must not make the estimate infinite. */
  private sanitiseLimits(): void {
    const l = this.planner.limits;
    const fix = (v: number, d: number) => (v > 0 && Number.isFinite(v) ? v : d);
    l.printAcceleration = fix(l.printAcceleration, DEFAULT_LIMITS.printAcceleration);
    l.travelAcceleration = fix(l.travelAcceleration, DEFAULT_LIMITS.travelAcceleration);
    l.retractAcceleration = fix(l.retractAcceleration, DEFAULT_LIMITS.retractAcceleration);
    for (const axis of ['x', 'y', 'z', 'e'] as const) {
      l.maxFeedrate[axis] = fix(l.maxFeedrate[axis], DEFAULT_LIMITS.maxFeedrate[axis]);
      l.maxAcceleration[axis] = fix(l.maxAcceleration[axis], DEFAULT_LIMITS.maxAcceleration[axis]);
    }
  }

  private takeFeed(): void {
    if (this.mask & BF) {
      const f = (this.vals[iF] * this.unit) / 60;
      if (f > 0) this.feed = f;
    }
  }

  /** Target of an axis in absolute mm, from the current value and the line's parameter. */
  private target(bitmask: number, index: number, current: number, relative: boolean): number {
    if (!(this.mask & bitmask)) return current;
    const v = this.vals[index] * this.unit;
    return relative ? current + v : v;
  }

  /** Takes the line's feed rate and reads its target position (absolute mm) into tx/ty/tz/te. */
  private readTarget(): void {
    this.takeFeed();
    this.tx = this.target(BX, iX, this.x, this.relative);
    this.ty = this.target(BY, iY, this.y, this.relative);
    this.tz = this.target(BZ, iZ, this.z, this.relative);
    this.te = this.target(BE, iE, this.e, this.relativeE);
  }

  private linear(): void {
    this.readTarget();
    const x0 = this.x;
    const y0 = this.y;
    const z0 = this.z;
    const { tx: x, ty: y, tz: z, te: e } = this;
    const de = e - this.e;
    this.x = x;
    this.y = y;
    this.z = z;
    this.e = e;
    const dx = x - x0;
    const dy = y - y0;
    const dz = z - z0;
    const xyz = Math.sqrt(dx * dx + dy * dy + dz * dz);
    this.extrude(de);
    const limits = this.planner.limits;
    if (xyz > 0) {
      // a move's start is the previous move's end, already in the boxes unless the position was set
      if (!this.travelFrom) this.travel.add(x0, y0, z0);
      this.travel.add(x, y, z);
      this.travelFrom = true;
      const extruding = de > 0;
      if (extruding) {
        if (!this.printFrom) this.printing.add(x0, y0, z0);
        this.printing.add(x, y, z);
        this.layer(z);
      }
      this.printFrom = extruding;
      const ux = dx / xyz;
      const uy = dy / xyz;
      const uz = dz / xyz;
      const ue = de / xyz;
      this.move(xyz, extruding ? limits.printAcceleration : limits.travelAcceleration, ux, uy, uz, 0, ux, uy, uz, 0);
      if (ue !== 0) this.planner.capLast(limits.maxFeedrate.e / Math.abs(ue));
    } else if (de !== 0) {
      const s = de > 0 ? 1 : -1;
      this.move(Math.abs(de), limits.retractAcceleration, 0, 0, 0, s, 0, 0, 0, s);
    }
  }

  private arc(clockwise: boolean): void {
    const { mask, vals } = this;
    this.readTarget();
    const x0 = this.x;
    const y0 = this.y;
    const z0 = this.z;
    const { tx: x, ty: y, tz: z, te: e } = this;
    const de = e - this.e;
    let cx: number;
    let cy: number;
    if (mask & (BI | BJ)) {
      cx = x0 + (mask & BI ? vals[iI] * this.unit : 0);
      cy = y0 + (mask & BJ ? vals[iJ] * this.unit : 0);
    } else if (mask & BR) {
      const c = arcCentre(x0, y0, x, y, vals[iR] * this.unit, clockwise);
      if (!c) {
        this.linear();
        return;
      }
      [cx, cy] = c;
    } else {
      this.linear();
      return;
    }
    const r = Math.hypot(x0 - cx, y0 - cy);
    const a0 = Math.atan2(y0 - cy, x0 - cx);
    const a1 = Math.atan2(y - cy, x - cx);
    let sweep = clockwise ? a0 - a1 : a1 - a0;
    if (sweep <= 1e-9) sweep += TWO_PI;
    this.x = x;
    this.y = y;
    this.z = z;
    this.e = e;
    this.extrude(de);
    const planar = r * sweep;
    const dz = z - z0;
    const length = Math.sqrt(planar * planar + dz * dz);
    if (!(length > 0)) return;
    const extruding = de > 0;
    const box = extruding ? this.printing : null;
    this.travel.add(x0, y0, z0);
    this.travel.add(x, y, z);
    box?.add(x0, y0, z0);
    box?.add(x, y, z);
    this.travelFrom = true;
    this.printFrom = extruding;
    // the circle's extreme points that the sweep passes through
    for (let k = 0; k < 4; k++) {
      const angle = (k * Math.PI) / 2;
      let from = clockwise ? a0 - angle : angle - a0;
      from = ((from % TWO_PI) + TWO_PI) % TWO_PI;
      if (from <= sweep) {
        const px = cx + r * Math.cos(angle);
        const py = cy + r * Math.sin(angle);
        this.travel.add(px, py, z0);
        box?.add(px, py, z0);
      }
    }
    if (extruding) this.layer(z);
    // tangents at both ends, for the cornering speeds
    const s = clockwise ? -1 : 1;
    const planarShare = planar / length;
    const tz = dz / length;
    const tsx = -Math.sin(a0) * s * planarShare;
    const tsy = Math.cos(a0) * s * planarShare;
    const tex = -Math.sin(a1) * s * planarShare;
    const tey = Math.cos(a1) * s * planarShare;
    const limits = this.planner.limits;
    const accel = extruding ? limits.printAcceleration : limits.travelAcceleration;
    this.move(length, accel, tsx, tsy, tz, 0, tex, tey, tz, 0);
    // centripetal acceleration limit v²/r <= a
    if (r > 0) this.planner.capLast(Math.sqrt(accel * r));
  }

  /** Hands a move to the planner (through its shared input array; small enough to be inlined). */
  private move(length: number, accel: number, ux: number, uy: number, uz: number, ue: number, ox: number, oy: number, oz: number, oe: number): void {
    const m = this.planner.next;
    m[0] = length;
    m[1] = this.feed;
    m[2] = accel;
    m[3] = ux;
    m[4] = uy;
    m[5] = uz;
    m[6] = ue;
    m[7] = ox;
    m[8] = oy;
    m[9] = oz;
    m[10] = oe;
    this.planner.addMove();
  }

  private extrude(de: number): void {
    if (de === 0) return;
    const t = this.tool;
    const total = (this.extruded[t] += de);
    if (total > this.maxExtruded[t]) this.maxExtruded[t] = total;
  }

  private layer(z: number): void {
    const key = Math.round(z * 1000);
    if (key !== this.lastLayerKey) {
      this.lastLayerKey = key;
      this.layers.add(key);
    }
  }

  private dwell(): void {
    const { mask, vals } = this;
    const seconds = mask & BS ? vals[iS] : mask & BP ? vals[iP] / 1000 : 0;
    this.planner.stop(seconds > 0 ? seconds : 0);
  }

  private home(): void {
    const m = this.present & (BX | BY | BZ);
    this.travelFrom = this.printFrom = false;
    this.planner.stop();
    if (m === 0 || m & BX) this.x = 0;
    if (m === 0 || m & BY) this.y = 0;
    if (m === 0 || m & BZ) this.z = 0;
  }

  private setPosition(): void {
    const { mask, vals } = this;
    if (mask & (BX | BY | BZ) || (mask & BE) === 0) this.travelFrom = this.printFrom = false;
    if ((mask & (BX | BY | BZ | BE)) === 0) {
      this.x = this.y = this.z = this.e = 0;
      return;
    }
    if (mask & BX) this.x = vals[iX] * this.unit;
    if (mask & BY) this.y = vals[iY] * this.unit;
    if (mask & BZ) this.z = vals[iZ] * this.unit;
    if (mask & BE) this.e = vals[iE] * this.unit;
  }
}

/** Centre of an R-form arc (Marlin's formula); null when the radius cannot reach the target. */
function arcCentre(x0: number, y0: number, x: number, y: number, r: number, clockwise: boolean): [number, number] | null {
  const dx = x - x0;
  const dy = y - y0;
  const d2 = dx * dx + dy * dy;
  if (d2 === 0 || !Number.isFinite(r) || r === 0) return null;
  const h2 = (r * r) / d2 - 0.25;
  if (h2 < 0) return null;
  let h = Math.sqrt(h2);
  if (clockwise !== r < 0) h = -h;
  return [x0 + dx / 2 - h * dy, y0 + dy / 2 + h * dx];
}
