/** Absolute or relative positioning as G90/G91 (all axes) and M82/M83 (extruder only) set it; shared by the host's tracker and the virtual printer. */
export class PositioningMode {
  relative = false;
  relativeE = false;

  /** Applies the command when it is G90, G91, M82 or M83; false for any other code. */
  apply(code: string | null): boolean {
    switch (code) {
      case 'G90':
      case 'G91':
        this.relative = this.relativeE = code === 'G91';
        return true;
      case 'M82':
      case 'M83':
        this.relativeE = code === 'M83';
        return true;
      default:
        return false;
    }
  }

  /** The target of a move along `axis` by `value` in the current mode. */
  target(axis: string, current: number, value: number): number {
    return (axis === 'E' ? this.relativeE : this.relative) ? current + value : value;
  }

  reset(): void {
    this.relative = this.relativeE = false;
  }
}
