/**
 * Transport over a serial device or pty. serialport's native binding opens the device and sets it
 * up (baud rate, including non-standard ones such as 250 000, raw mode, exclusive lock); the bytes
 * then flow through a second descriptor of the same device that the event loop reads directly.
 *
 * Why not serialport's own stream: it reads through libuv's thread pool, a round trip per read,
 * which cost more CPU per printed line than everything else the host does for that line. A tty
 * read on the event loop is one epoll wake-up and one read(2). A write is one write(2) at once (the
 * protocol writes a turn's lines in one call). Where the platform gives no file descriptor (Windows), the binding's
 * own asynchronous read and write are used.
 */
import { autoDetect } from '@serialport/bindings-cpp';
import fs from 'node:fs';
import tty from 'node:tty';
import { ByteStreamTransport } from './transport.js';

type PortBinding = Awaited<ReturnType<ReturnType<typeof autoDetect>['open']>>;

/** How the bytes move once the binding has opened and configured the device. */
interface BytePipe {
  write(data: Buffer): void;
  close(): Promise<void>;
}

export class SerialTransport extends ByteStreamTransport {
  private pipe: BytePipe | null = null;

  private constructor(
    private readonly binding: PortBinding,
    readonly port: string,
    readonly baudrate: number,
  ) {
    super();
  }

  static async open(port: string, baudrate: number): Promise<SerialTransport> {
    let binding: PortBinding;
    try {
      binding = await autoDetect().open({ path: port, baudRate: baudrate });
    } catch (err) {
      throw new Error(`cannot open ${port}: ${err instanceof Error ? err.message : String(err)}`);
    }
    const transport = new SerialTransport(binding, port, baudrate);
    const fd = 'fd' in binding && typeof binding.fd === 'number' && process.platform !== 'win32' ? binding.fd : null;
    transport.pipe = fd === null ? transport.bindingPipe() : transport.ttyPipe();
    return transport;
  }

  /** Device paths the binding finds; [] where it cannot enumerate (no udev in containers). */
  static async list(): Promise<string[]> {
    try {
      return (await autoDetect().list()).map((info) => info.path);
    } catch {
      return [];
    }
  }

  protected send(data: string): void {
    this.pipe?.write(Buffer.from(data, 'latin1'));
  }

  async close(): Promise<void> {
    if (!this.beginClose()) return;
    await this.pipe?.close().catch(() => undefined);
    if (this.binding.isOpen) await this.binding.close().catch(() => undefined);
  }

  /**
   * A second, non-blocking descriptor of the device, read by a tty stream on the event loop and
   * written with write(2). The binding's descriptor stays open (and locked) without being read.
   */
  private ttyPipe(): BytePipe {
    const fd = fs.openSync(this.port, fs.constants.O_RDWR | fs.constants.O_NOCTTY | fs.constants.O_NONBLOCK);
    const input = new tty.ReadStream(fd);
    input.on('data', (chunk: Buffer) => this.received(chunk));
    input.on('error', (err: Error) => this.lose(new Error(`serial port ${this.port} failed: ${err.message}`)));
    input.on('end', () => this.lose(new Error(`serial port ${this.port} closed unexpectedly`)));
    let backlog: Buffer | null = null;
    let retry: NodeJS.Timeout | null = null;
    const drain = () => {
      retry = null;
      while (backlog && !input.destroyed) {
        let written: number;
        try {
          written = fs.writeSync(fd, backlog);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'EAGAIN') {
            // the device's output queue is full (a stalled USB adapter): try again shortly
            retry = setTimeout(drain, 2);
            return;
          }
          backlog = null;
          this.lose(new Error(`writing to ${this.port} failed: ${(err as Error).message}`));
          return;
        }
        backlog = written < backlog.length ? backlog.subarray(written) : null;
      }
    };
    return {
      write: (data) => {
        backlog = backlog ? Buffer.concat([backlog, data]) : data;
        if (!retry) drain();
      },
      close: () =>
        new Promise<void>((resolve) => {
          if (retry) clearTimeout(retry);
          input.removeAllListeners('data');
          if (input.destroyed) return resolve();
          input.once('close', () => resolve());
          input.destroy();
        }),
    };
  }

  /** Fallback without a descriptor: the binding's own asynchronous read loop. */
  private bindingPipe(): BytePipe {
    const buffer = Buffer.alloc(4096);
    const loop = async () => {
      while (!this.closing) {
        const { bytesRead } = await this.binding.read(buffer, 0, buffer.length);
        if (bytesRead > 0) this.received(Buffer.from(buffer.subarray(0, bytesRead)));
      }
    };
    loop().catch((err: Error) => this.lose(new Error(`serial port ${this.port} failed: ${err.message}`)));
    return {
      write: (data) => void this.binding.write(data).catch((err: Error) => this.lose(err)),
      close: async () => undefined,
    };
  }
}
