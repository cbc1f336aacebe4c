/** Reads exact byte counts from a stream of chunks (a tar's blocks and entries from a gunzip stream). */

/** The stream ended before the bytes a reader needed. */
export class EndOfStream extends Error {}

export class ByteReader {
  private buffered: Buffer[] = [];
  private available = 0;
  private done = false;

  constructor(private readonly source: AsyncIterator<Buffer>) {}

  /** Waits for at least `n` bytes (or the end): false when the stream ended first. */
  private async fill(n: number): Promise<boolean> {
    while (this.available < n && !this.done) {
      const next = await this.source.next();
      if (next.done) this.done = true;
      else if (next.value.length > 0) {
        this.buffered.push(next.value);
        this.available += next.value.length;
      }
    }
    return this.available >= n;
  }

  /** Takes up to `n` bytes that are already buffered (at least one chunk's worth is read when none are). */
  private take(n: number): Buffer {
    const first = this.buffered[0]!;
    let out: Buffer;
    if (first.length <= n) {
      out = first;
      this.buffered.shift();
    } else {
      out = first.subarray(0, n);
      this.buffered[0] = first.subarray(n);
    }
    this.available -= out.length;
    return out;
  }

  /** Exactly `n` bytes, in one buffer; EndOfStream when the stream ends before. */
  async exactly(n: number): Promise<Buffer> {
    if (!(await this.fill(n))) throw new EndOfStream(`the stream ended ${n - this.available} bytes early`);
    const parts: Buffer[] = [];
    let got = 0;
    while (got < n) {
      const part = this.take(n - got);
      parts.push(part);
      got += part.length;
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts, n);
  }

  /** `n` bytes as the chunks they arrive in (none held longer than needed); EndOfStream when the stream ends before. */
  async *chunks(n: number): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      if (!(await this.fill(1))) throw new EndOfStream(`the stream ended ${left} bytes early`);
      const part = this.take(left);
      left -= part.length;
      yield part;
    }
  }

  /** Reads to the end of the stream (so that gunzip checks its CRC); whether every byte left was zero. */
  async drain(): Promise<boolean> {
    let zeros = this.buffered.every((chunk) => chunk.every((byte) => byte === 0));
    this.buffered = [];
    this.available = 0;
    while (!this.done) {
      const next = await this.source.next();
      if (next.done) this.done = true;
      else zeros &&= next.value.every((byte) => byte === 0);
    }
    return zeros;
  }
}
