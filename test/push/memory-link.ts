/** An in-memory push transport for hub tests: records each link's frames and counts encodings. */
import type { PushEncoder, PushLink, PushMessage } from '../../core/push/message.js';

export class MemoryTransport implements PushEncoder<string> {
  readonly id = 'memory';
  encodes = 0;
  encode(message: PushMessage): string {
    this.encodes++;
    return JSON.stringify({ [message.type]: message.data });
  }
}

export class MemoryLink implements PushLink<string> {
  readonly frames: Record<string, Record<string, unknown>>[] = [];
  /** when false, writes are never acknowledged (a client that stopped reading) */
  acknowledging = true;
  private pending: (() => void)[] = [];
  constructor(readonly encoder: MemoryTransport) {}
  readonly remoteAddress = '10.0.0.7';
  write(frames: string[], flushed: () => void): void {
    // a closed connection writes nothing more
    if (this.closedWith !== undefined) return;
    for (const f of frames) this.frames.push(JSON.parse(f) as Record<string, Record<string, unknown>>);
    if (this.acknowledging) setImmediate(flushed);
    else this.pending.push(flushed);
  }
  release(): void {
    this.acknowledging = true;
    for (const f of this.pending.splice(0)) f();
  }
  /** the reason the hub closed it with, undefined while open */
  closedWith: string | undefined;
  close(reason: string): void {
    this.closedWith = reason;
  }
  of(type: string): Record<string, unknown>[] {
    return this.frames.filter((f) => type in f).map((f) => f[type]!);
  }
}
