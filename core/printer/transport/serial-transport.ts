/**
 * Transport over a serial device or pty through the `serialport` package. Writes issued in the same
 * tick are coalesced into one, so a window of several commands costs one system call.
 */
import { SerialPort } from 'serialport';
import { Emitter } from '../../common/event.js';
import { LineSplitter, type Transport } from './transport.js';

export class SerialTransport implements Transport {
  private readonly lines = new Emitter<string>();
  private readonly lost = new Emitter<Error>();
  readonly onLine = this.lines.event;
  readonly onLost = this.lost.event;
  private pending = '';
  private closing = false;

  private constructor(
    private readonly serial: SerialPort,
    readonly port: string,
    readonly baudrate: number,
  ) {
    const splitter = new LineSplitter((line) => this.lines.fire(line));
    serial.setEncoding('latin1');
    serial.on('data', (chunk: string) => splitter.push(chunk));
    serial.on('close', () => {
      if (!this.closing) this.lost.fire(new Error(`serial port ${port} closed unexpectedly`));
    });
    serial.on('error', (err: Error) => {
      if (!this.closing) this.lost.fire(err);
    });
  }

  static open(port: string, baudrate: number): Promise<SerialTransport> {
    const serial = new SerialPort({ path: port, baudRate: baudrate, autoOpen: false });
    return new Promise((resolve, reject) => {
      serial.open((err) => (err ? reject(new Error(`cannot open ${port}: ${err.message}`)) : resolve(new SerialTransport(serial, port, baudrate))));
    });
  }

  /** Device paths `SerialPort.list()` finds; [] where it cannot enumerate (no udev in containers). */
  static async list(): Promise<string[]> {
    try {
      return (await SerialPort.list()).map((info) => info.path);
    } catch {
      return [];
    }
  }

  write(data: string): void {
    if (this.closing) return;
    if (this.pending === '') queueMicrotask(() => this.flush());
    this.pending += data;
  }

  private flush(): void {
    const data = this.pending;
    this.pending = '';
    if (data && this.serial.isOpen) this.serial.write(data, 'latin1');
  }

  close(): Promise<void> {
    if (this.closing) return Promise.resolve();
    this.closing = true;
    this.lines.dispose();
    return new Promise((resolve) => {
      if (!this.serial.isOpen) return resolve();
      this.serial.close(() => resolve());
    });
  }
}
