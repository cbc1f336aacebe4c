/**
 * The `virtual` port: a Transport wired straight to a VirtualPrinter in this process, no serial
 * device or pty involved. The printer's output is handed over on setImmediate so that a long print
 * never starves the event loop (host and printer would otherwise answer each other in microtasks).
 */
import { Emitter } from '../../common/event.js';
import { LineSplitter, type DiscardedLine, type Transport } from '../transport/transport.js';
import type { VirtualPrinterOptions } from './options.js';
import { VirtualPrinter } from './virtual-printer.js';

export class InProcessTransport implements Transport {
  readonly port = 'virtual';
  readonly baudrate: number;
  readonly printer: VirtualPrinter;
  private readonly lines = new Emitter<string>();
  private readonly lost = new Emitter<Error>();
  readonly onLine = this.lines.event;
  readonly onLost = this.lost.event;
  private readonly discarded = new Emitter<DiscardedLine>();
  readonly onDiscarded = this.discarded.event;
  private readonly splitter = new LineSplitter(
    (line) => this.lines.fire(line),
    (line) => this.discarded.fire(line),
  );
  private outgoing = '';
  private closed = false;

  constructor(options: VirtualPrinterOptions) {
    this.baudrate = options.baudrate;
    this.printer = new VirtualPrinter(
      options,
      (data) => this.fromPrinter(data),
      () => setImmediate(() => this.lose()),
    );
    setImmediate(() => this.closed || this.printer.start());
  }

  private fromPrinter(data: string): void {
    if (this.closed) return;
    if (this.outgoing === '') setImmediate(() => this.deliver());
    this.outgoing += data;
  }

  private deliver(): void {
    const data = this.outgoing;
    this.outgoing = '';
    // the simulator writes bytes as latin1 characters, as it does on a pty
    if (!this.closed) this.splitter.push(Buffer.from(data, 'latin1'));
  }

  private lose(): void {
    if (this.closed) return;
    this.closed = true;
    this.lost.fire(new Error('virtual printer disconnected'));
  }

  /** The cable pulled: the printer stops and the host sees the port lost (tests of a dropped connection). */
  unplug(): void {
    this.printer.stop();
    setImmediate(() => this.lose());
  }

  write(data: string): void {
    if (!this.closed) this.printer.receive(data);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.printer.stop();
    this.lines.dispose();
  }
}
