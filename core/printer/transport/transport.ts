/**
 * The byte pipe between host and printer, whatever is behind it (a serial device, a pty, or
 * whatever a TransportFactory contributes). The protocol only sees whole lines: `LineSplitter` cuts the byte stream,
 * and what cannot be a line of text (bytes that are not UTF-8, a runaway line with no end) is
 * reported through `onDiscarded` instead of reaching the protocol.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { Emitter, type Event } from '../../common/event.js';

export interface Transport {
  /** a name for logs and the Connected payload ("/dev/ttyUSB0", "virtual") */
  readonly port: string;
  readonly baudrate: number;
  /** every line received, without its line ending */
  readonly onLine: Event<string>;
  /** a received line that was dropped, and why */
  readonly onDiscarded: Event<DiscardedLine>;
  /** the other side went away or the device failed (not fired for `close()`) */
  readonly onLost: Event<Error>;
  write(data: string): void;
  close(): Promise<void>;
}

export interface DiscardedLine {
  reason: 'not UTF-8' | 'too long';
  /** the first bytes, in hex, for the log */
  preview: string;
  bytes: number;
}

/**
 * Longest line kept. Firmware lines are short (M115's is the longest, ~300 bytes); a board that
 * streams binary or noise without a newline must not grow the buffer without end.
 */
export const MAX_LINE_BYTES = 4096;

/**
 * Cuts a byte stream into lines on "\n", dropping a trailing "\r". ASCII lines (nearly all of them)
 * are decoded without a copy of the chunk; UTF-8 lines (Klipper's messages may carry any text) are
 * decoded as UTF-8; anything else is discarded, since a latin1 guess would hand the protocol text
 * the printer never sent.
 */
export class LineSplitter {
  private partial: Buffer | null = null;
  /** bytes of a too-long line being skipped until its end */
  private skipping = 0;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly onDiscard: (discarded: DiscardedLine) => void = () => {},
    /** every byte is a character (latin1), as a firmware's serial reader takes what it is sent: the simulator's side */
    private readonly bytesAsText = false,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    let newline = chunk.indexOf(10);
    while (newline !== -1) {
      if (this.partial || this.skipping) this.finishPartial(chunk.subarray(start, newline));
      else this.emit(chunk, start, newline);
      start = newline + 1;
      newline = chunk.indexOf(10, start);
    }
    if (start < chunk.length) this.keep(chunk.subarray(start));
  }

  private keep(rest: Buffer): void {
    if (this.skipping) {
      this.skipping += rest.length;
      return;
    }
    const partial = this.partial ? Buffer.concat([this.partial, rest]) : Buffer.from(rest);
    if (partial.length > MAX_LINE_BYTES) {
      this.onDiscard({ reason: 'too long', preview: partial.subarray(0, 16).toString('hex'), bytes: partial.length });
      this.partial = null;
      this.skipping = partial.length;
      return;
    }
    this.partial = partial;
  }

  private finishPartial(end: Buffer): void {
    if (this.skipping) {
      this.skipping = 0;
      return;
    }
    const line = Buffer.concat([this.partial!, end]);
    this.partial = null;
    this.emit(line, 0, line.length);
  }

  private emit(buffer: Buffer, start: number, end: number): void {
    if (end > start && buffer[end - 1] === 13) end--;
    const bytes = buffer.subarray(start, end);
    if (bytes.length > MAX_LINE_BYTES) {
      this.onDiscard({ reason: 'too long', preview: bytes.subarray(0, 16).toString('hex'), bytes: bytes.length });
      return;
    }
    if (this.bytesAsText || isAscii(bytes)) return this.onLine(buffer.toString('latin1', start, end));
    if (isUtf8(bytes)) return this.onLine(bytes.toString('utf8'));
    this.onDiscard({ reason: 'not UTF-8', preview: bytes.subarray(0, 16).toString('hex'), bytes: bytes.length });
  }
}

/**
 * What every byte-stream transport (serial device, TCP socket) shares: received bytes cut into line
 * events, and writes sent at once (the protocol writes what it has for one turn in one call, so one
 * write(2), one TCP segment). A subclass sends the bytes, feeds `received`, and calls `lose` when
 * the other side goes away.
 */
export abstract class ByteStreamTransport implements Transport {
  abstract readonly port: string;
  abstract readonly baudrate: number;
  private readonly lines = new Emitter<string>();
  private readonly discarded = new Emitter<DiscardedLine>();
  private readonly lost = new Emitter<Error>();
  readonly onLine = this.lines.event;
  readonly onDiscarded = this.discarded.event;
  readonly onLost = this.lost.event;
  private readonly splitter = new LineSplitter(
    (line) => this.lines.fire(line),
    (line) => this.discarded.fire(line),
  );
  /** set by close() (and by a loss): nothing more is written or reported */
  protected closing = false;

  /** Writes `data` (latin1 characters, one per byte) now; a subclass that can write the string as it is saves a Buffer per write. */
  protected abstract send(data: string): void;
  abstract close(): Promise<void>;

  write(data: string): void {
    if (!this.closing) this.send(data);
  }

  protected received(chunk: Buffer): void {
    this.splitter.push(chunk);
  }

  private gone = false;

  /** The other side went away: reported once, unless close() came first (close() still releases the port after). */
  protected lose(err: Error): void {
    if (this.closing || this.gone) return;
    this.gone = true;
    this.lost.fire(err);
  }

  /** For close(): stops line events and further writes; false when already closing. */
  protected beginClose(): boolean {
    if (this.closing) return false;
    this.closing = true;
    this.lines.dispose();
    return true;
  }
}
