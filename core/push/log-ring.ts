/**
 * The newest serial-log lines of one printer, kept as bytes outside the JS heap until a `current` or
 * `history` shows them. Streaming, a printer logs two lines per command; kept as strings, the few
 * hundred a `current` may show outlive a young-generation collection and are copied, then promoted:
 * with 16 printers that was half of what every scavenge copied, and scavenges are the host's
 * longest pauses (a printer waits through them for its next line). Bytes in a Buffer are not
 * scanned or copied; strings are made only for the lines a message shows, and die young.
 *
 * Lines are numbered from 0 in the order pushed. `slice(from, to)` gives the lines numbered
 * [from, to) still held: a line leaves when `entries` newer ones were pushed, or when its bytes are
 * needed for newer lines.
 */
export class LogRing {
  private readonly bytes: Buffer;
  /** byte start and length of line n at n % entries */
  private readonly starts: Int32Array;
  private readonly lengths: Int32Array;
  /** where the next line's bytes go */
  private writeAt = 0;
  /** number of the next line pushed */
  private next = 0;
  /** the oldest line still held */
  private oldest = 0;

  constructor(
    private readonly entries: number,
    /** bytes kept, for all lines together; a longer line keeps its start */
    byteCapacity = Math.max(entries, 1) * 96,
  ) {
    this.bytes = Buffer.alloc(Math.max(byteCapacity, 256));
    this.starts = new Int32Array(Math.max(entries, 1));
    this.lengths = new Int32Array(Math.max(entries, 1));
  }

  /** the number the next pushed line will have (the count pushed so far) */
  get end(): number {
    return this.next;
  }

  /** Keeps `prefix` + `line` (the prefix ASCII, e.g. ">>> "). */
  push(prefix: string, line: string): void {
    if (this.entries <= 0) {
      this.next++;
      this.oldest = this.next;
      return;
    }
    const room = this.bytes.length;
    // a line's bytes are contiguous: when the tail cannot hold the longest case (3 bytes a UTF-16
    // unit), start over at 0, and the tail's lines (the oldest held) go first
    const longest = Math.min(prefix.length + line.length * 3, room);
    if (this.writeAt + longest > room) {
      this.evictOverlapping(this.writeAt, room);
      this.writeAt = 0;
    }
    const start = this.writeAt;
    let length = this.bytes.write(prefix, start, 'latin1');
    length += this.bytes.write(line, start + length, room - start - length, 'utf8');
    this.writeAt = start + length;
    this.evictOverlapping(start, this.writeAt);
    const slot = this.next % this.entries;
    this.starts[slot] = start;
    this.lengths[slot] = length;
    this.next++;
    if (this.next - this.oldest > this.entries) this.oldest = this.next - this.entries;
  }

  /** Lines numbered [from, to) that are still held, oldest first. */
  slice(from: number, to: number): string[] {
    const first = Math.max(from, this.oldest);
    const last = Math.min(to, this.next);
    const out: string[] = [];
    for (let n = first; n < last; n++) {
      const slot = n % this.entries;
      const start = this.starts[slot]!;
      out.push(this.bytes.toString('utf8', start, start + this.lengths[slot]!));
    }
    return out;
  }

  /** The newest `count` lines held. */
  newest(count: number): string[] {
    return this.slice(this.next - count, this.next);
  }

  /**
   * Drops the oldest lines whose bytes lie in [start, end), about to be overwritten. Held lines lie
   * oldest first from `writeAt` on, round the buffer, so those are always the oldest ones.
   */
  private evictOverlapping(start: number, end: number): void {
    while (this.oldest < this.next) {
      const slot = this.oldest % this.entries;
      const s = this.starts[slot]!;
      const e = s + this.lengths[slot]!;
      if (e <= start || s >= end) break;
      this.oldest++;
    }
  }
}
