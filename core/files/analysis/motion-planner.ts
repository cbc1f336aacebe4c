/**
 * Print-time model for the G-code analysis, shaped like a Marlin/Grbl planner:
 * trapezoidal velocity profile per move, look-ahead over a window of moves (backward pass for
 * the deceleration limit, forward pass for the acceleration limit), and cornering speeds from the
 * junction-deviation formula. Runs in the analysis worker; typed arrays keep it allocation-free.
 */

/** The machine limits the estimate assumes (firmware settings; files may change them with M201/M203/M204/M205). */
export interface MotionLimits {
  /** mm/s² for printing moves (M204 P / S) */
  printAcceleration: number;
  /** mm/s² for travel moves (M204 T) */
  travelAcceleration: number;
  /** mm/s² for extruder-only moves (M204 R) */
  retractAcceleration: number;
  /** mm, Marlin's junction deviation (M205 J) */
  junctionDeviation: number;
  /** mm/s per axis (M203) */
  maxFeedrate: { x: number; y: number; z: number; e: number };
  /** mm/s² per axis (M201) */
  maxAcceleration: { x: number; y: number; z: number; e: number };
  /** mm/s when a file moves before setting F */
  defaultFeedrate: number;
}

export const ESTIMATOR_NAME =
  'trapezoid look-ahead: per-move trapezoidal velocity profiles, 64-move look-ahead, Marlin junction-deviation cornering';

/** Marlin's default configuration values (Configuration.h), used when the settings do not say otherwise. */
export const DEFAULT_LIMITS: MotionLimits = {
  printAcceleration: 3000,
  travelAcceleration: 3000,
  retractAcceleration: 3000,
  junctionDeviation: 0.013,
  maxFeedrate: { x: 300, y: 300, z: 5, e: 25 },
  maxAcceleration: { x: 3000, y: 3000, z: 100, e: 10000 },
  defaultFeedrate: 50,
};

const WINDOW = 64;
const CAPACITY = WINDOW * 2;

export class MotionPlanner {
  /** seconds of the moves finalised so far, plus dwells */
  private total = 0;
  private count = 0;
  private committedExit = 0;
  private readonly length = new Float64Array(CAPACITY);
  private readonly cruise = new Float64Array(CAPACITY);
  private readonly accel = new Float64Array(CAPACITY);
  /** max entry speed from the junction with the previous move (squared) */
  private readonly junction2 = new Float64Array(CAPACITY);
  private readonly entry = new Float64Array(CAPACITY);
  private prevDx = 0;
  private prevDy = 0;
  private prevDz = 0;
  private prevDe = 0;
  private prevCruise = 0;
  private hasPrev = false;

  constructor(readonly limits: MotionLimits) {}

  /**
   * The next move, written here by the caller before `addMove()`: [length, speed (mm/s),
   * acceleration (mm/s²), unit direction at its start (x, y, z, e), at its end (x, y, z, e; differs
   * for arcs)]. A shared array rather than eleven arguments: doubles passed to a call that is not
   * inlined are boxed, and at a million moves that garbage dominated.
   */
  readonly next = new Float64Array(11);

  addMove(): void {
    const m0 = this.next;
    const length = m0[0];
    if (!(length > 0)) return;
    const speed = m0[1];
    const accel = m0[2];
    const ux = m0[3];
    const uy = m0[4];
    const uz = m0[5];
    const ue = m0[6];
    let cruise = speed;
    let a = accel;
    const m = this.limits.maxFeedrate;
    const ma = this.limits.maxAcceleration;
    // per-axis feed rate and acceleration limits scale the whole move
    cruise = limitBy(cruise, ux, m.x, uy, m.y, uz, m.z, ue, m.e);
    a = limitBy(a, ux, ma.x, uy, ma.y, uz, ma.z, ue, ma.e);
    let j2 = 0;
    if (this.hasPrev) {
      const cos = -(this.prevDx * ux + this.prevDy * uy + this.prevDz * uz + this.prevDe * ue);
      if (cos < -0.999999) j2 = Infinity;
      else if (cos < 0.999999) {
        const sinHalf = Math.sqrt(0.5 * (1 - cos));
        j2 = (a * this.limits.junctionDeviation * sinHalf) / (1 - sinHalf);
      }
      const cap = Math.min(cruise, this.prevCruise);
      if (j2 > cap * cap) j2 = cap * cap;
    }
    const i = this.count++;
    this.length[i] = length;
    this.cruise[i] = cruise;
    this.accel[i] = a;
    this.junction2[i] = j2;
    this.prevDx = m0[7];
    this.prevDy = m0[8];
    this.prevDz = m0[9];
    this.prevDe = m0[10];
    this.prevCruise = cruise;
    this.hasPrev = true;
    if (this.count === CAPACITY) this.plan(WINDOW);
  }

  /** Caps the cruise speed of the move just added (arcs: centripetal limit). */
  capLast(speed: number): void {
    const i = this.count - 1;
    if (i >= 0 && this.cruise[i] > speed) {
      this.cruise[i] = speed;
      if (this.junction2[i] > speed * speed) this.junction2[i] = speed * speed;
      this.prevCruise = speed;
    }
  }

  /** The machine stops here (dwell, end of file): plans everything left with a final speed of 0. */
  stop(extraSeconds = 0): void {
    this.plan(this.count);
    this.committedExit = 0;
    this.hasPrev = false;
    this.total += extraSeconds;
  }

  /** Seconds so far (call `stop()` first for the final figure). */
  get seconds(): number {
    return this.total;
  }

  /** Plans the buffer (assuming a stop after its last move) and finalises its first `n` moves. */
  private plan(n: number): void {
    const count = this.count;
    const { length, cruise, accel, junction2, entry } = this;
    let next2 = 0;
    for (let i = count - 1; i >= 0; i--) {
      const reach = next2 + 2 * accel[i] * length[i];
      const e2 = junction2[i] < reach ? junction2[i] : reach;
      entry[i] = e2;
      next2 = e2;
    }
    const prev2 = this.committedExit * this.committedExit;
    if (entry[0] > prev2) entry[0] = prev2;
    for (let i = 1; i < count; i++) {
      const reach = entry[i - 1] + 2 * accel[i - 1] * length[i - 1];
      if (entry[i] > reach) entry[i] = reach;
    }
    let t = 0;
    for (let i = 0; i < n; i++) {
      const v0 = Math.sqrt(entry[i]);
      const v1 = i + 1 < count ? Math.sqrt(entry[i + 1]) : 0;
      t += trapezoidTime(length[i], v0, v1, cruise[i], accel[i]);
    }
    this.total += t;
    this.committedExit = n < count ? Math.sqrt(entry[n]) : 0;
    const rest = count - n;
    if (rest > 0) {
      length.copyWithin(0, n, count);
      cruise.copyWithin(0, n, count);
      accel.copyWithin(0, n, count);
      junction2.copyWithin(0, n, count);
    }
    this.count = rest;
  }
}

/** Scales `value` so that each axis component (unit vector × value) stays within its limit. */
function limitBy(value: number, ux: number, lx: number, uy: number, ly: number, uz: number, lz: number, ue: number, le: number): number {
  let v = value;
  if (ux !== 0 && Math.abs(ux) * v > lx) v = lx / Math.abs(ux);
  if (uy !== 0 && Math.abs(uy) * v > ly) v = ly / Math.abs(uy);
  if (uz !== 0 && Math.abs(uz) * v > lz) v = lz / Math.abs(uz);
  if (ue !== 0 && Math.abs(ue) * v > le) v = le / Math.abs(ue);
  return v;
}

/** Time of one move: accelerate from v0, cruise at vmax, decelerate to v1 (a triangle when too short to cruise). */
export function trapezoidTime(length: number, v0: number, v1: number, vmax: number, a: number): number {
  if (v0 > vmax) v0 = vmax;
  if (v1 > vmax) v1 = vmax;
  const dAcc = (vmax * vmax - v0 * v0) / (2 * a);
  const dDec = (vmax * vmax - v1 * v1) / (2 * a);
  if (dAcc + dDec <= length) return (vmax - v0) / a + (vmax - v1) / a + (length - dAcc - dDec) / vmax;
  const peak = Math.sqrt((2 * a * length + v0 * v0 + v1 * v1) / 2);
  return (peak - v0) / a + (peak - v1) / a;
}
