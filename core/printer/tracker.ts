/**
 * What the host knows about the machine from the commands it sent: absolute or relative
 * positioning (G90/G91, M82/M83), X, Y and Z after each move (G0/G1, G92, G28), the tool (T<n>) and the
 * last feedrate, always in millimetres (G20 inches are converted, as the file analyser does). This
 * is where ZChange, ToolChange and the `t`/`f` of positions are born.
 */
import { commandParams } from './protocol/gcode.js';
import { PositioningMode } from './protocol/positioning.js';

export interface CommandEffects {
  /** the command moved Z (G0/G1): the heights before and after */
  zChange?: { old: number | null; new: number };
  toolChange?: { old: number; new: number };
  /** the command is a move that extrudes (E grows) */
  extrudes: boolean;
}

export class MachineTracker {
  /** null until a command names the axis in absolute terms (or homes it) */
  x: number | null = null;
  y: number | null = null;
  z: number | null = null;
  e: number | null = 0;
  tool = 0;
  feedrate: number | null = null;
  private readonly mode = new PositioningMode();
  /** millimetres per unit of the sent values: 25.4 after G20, 1 after G21 */
  private unit = 1;

  reset(): void {
    this.unit = 1;
    this.x = null;
    this.y = null;
    this.z = null;
    this.e = 0;
    this.tool = 0;
    this.feedrate = null;
    this.mode.reset();
  }

  /** Updates the tracked state for a sent command and says what it changed. */
  apply(code: string | null, command: string): CommandEffects {
    const effects: CommandEffects = { extrudes: false };
    if (code === null || this.mode.apply(code)) return effects;
    if (code[0] === 'T') {
      const tool = Number(code.slice(1));
      if (tool !== this.tool) effects.toolChange = { old: this.tool, new: tool };
      this.tool = tool;
      return effects;
    }
    switch (code) {
      case 'G20':
      case 'G21':
        this.unit = code === 'G20' ? 25.4 : 1;
        break;
      case 'G0':
      case 'G1': {
        const p = this.inMillimetres(commandParams(command));
        if (Number.isFinite(p.F)) this.feedrate = p.F!;
        if (Number.isFinite(p.X)) this.x = this.moved('X', this.x, p.X!);
        if (Number.isFinite(p.Y)) this.y = this.moved('Y', this.y, p.Y!);
        if (Number.isFinite(p.Z)) {
          const next = this.mode.relative && this.z === null ? null : this.mode.target('Z', this.z ?? 0, p.Z!);
          if (next !== null && next !== this.z) effects.zChange = { old: this.z, new: round(next) };
          if (next !== null) this.z = round(next);
        }
        if (Number.isFinite(p.E)) {
          const e = this.mode.target('E', this.e ?? 0, p.E!);
          effects.extrudes = this.e === null || e > this.e;
          this.e = e;
        }
        break;
      }
      case 'G28': {
        const p = this.inMillimetres(commandParams(command));
        if (Number.isFinite(p.F)) this.feedrate = p.F!;
        const all = !('X' in p || 'Y' in p || 'Z' in p);
        if ('X' in p || all) this.x = 0;
        if ('Y' in p || all) this.y = 0;
        if ('Z' in p || !('X' in p || 'Y' in p)) this.z = 0;
        break;
      }
      case 'G92': {
        const p = this.inMillimetres(commandParams(command));
        if (Number.isFinite(p.X)) this.x = p.X!;
        if (Number.isFinite(p.Y)) this.y = p.Y!;
        if (Number.isFinite(p.Z)) this.z = p.Z!;
        if (Number.isFinite(p.E)) this.e = p.E!;
        break;
      }
    }
    return effects;
  }

  /** an axis' position after a move by `value`; unknown stays unknown for a relative move */
  private moved(axis: 'X' | 'Y', current: number | null, value: number): number | null {
    return this.mode.relative && current === null ? null : round(this.mode.target(axis, current ?? 0, value));
  }

  private inMillimetres(p: Record<string, number>): Record<string, number> {
    if (this.unit === 1) return p;
    for (const key of Object.keys(p)) p[key] = p[key]! * this.unit;
    return p;
  }
}

/** Keeps relative sums free of binary noise (0.1 + 0.2). */
function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
