/**
 * The byte pipe between host and printer, whatever is behind it (a serial device, a pty, the
 * in-process simulator). The protocol only sees whole lines: `LineSplitter` cuts the stream.
 */
import type { Event } from '../../common/event.js';

export interface Transport {
  /** a name for logs and the Connected payload ("/dev/ttyUSB0", "virtual") */
  readonly port: string;
  readonly baudrate: number;
  /** every line received, without its line ending */
  readonly onLine: Event<string>;
  /** the other side went away or the device failed (not fired for `close()`) */
  readonly onLost: Event<Error>;
  write(data: string): void;
  close(): Promise<void>;
}

/** Cuts a byte stream into lines on "\n", dropping "\r". */
export class LineSplitter {
  private partial = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: string): void {
    let start = 0;
    let newline = chunk.indexOf('\n');
    if (newline === -1) {
      this.partial += chunk;
      return;
    }
    let first = true;
    while (newline !== -1) {
      let line = chunk.slice(start, newline);
      if (first) {
        line = this.partial + line;
        this.partial = '';
        first = false;
      }
      if (line.endsWith('\r')) line = line.slice(0, -1);
      this.onLine(line);
      start = newline + 1;
      newline = chunk.indexOf('\n', start);
    }
    this.partial = chunk.slice(start);
  }
}
