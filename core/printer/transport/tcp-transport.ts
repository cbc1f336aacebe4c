/**
 * Transport over raw TCP (`tcp://host:port`): the serial-to-network bridges printers are often
 * reached through (ser2net, ESP3D, ESP-Link, a WiFi module) forward the UART's bytes unchanged, so
 * the protocol, dialects, faults and recovery are the pty's. A socket that closes or fails is the
 * unplugged cable: `onLost`, and the printer service ends the connection as for a lost USB port.
 * A write leaves at once, in one segment (Nagle off): the protocol writes a turn's lines in one call.
 */
import net from 'node:net';
import { ByteStreamTransport } from './transport.js';

export interface TcpAddress {
  host: string;
  port: number;
}

export interface TcpOptions {
  /** give up connecting after this long */
  connectTimeoutMs: number;
  /** idle time before keep-alive probes start; 0 turns keep-alive off */
  keepAliveMs: number;
}

export const TCP_SCHEME = 'tcp://';

/** the most bytes one read takes (a bridge sends a few hundred a line; more waiting is read again at once) */
const READ_BUFFER_BYTES = 16 * 1024;

/**
 * `tcp://host:port` as host and port, or a reason it is not one. Only that form: no user, path,
 * query or fragment, a port from 1 to 65535; IPv6 hosts in brackets (`tcp://[::1]:2000`).
 */
export function parseTcpPort(port: string): TcpAddress | string {
  if (!port.toLowerCase().startsWith(TCP_SCHEME)) return `"${port}" is not a tcp:// port`;
  let url: URL;
  try {
    url = new URL(port);
  } catch {
    return `"${port}" is not a valid tcp://host:port address`;
  }
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '' && url.pathname !== '/')) {
    return `"${port}" must be tcp://host:port, with nothing else`;
  }
  const number = Number(url.port);
  if (!url.hostname || !url.port || !Number.isInteger(number) || number < 1 || number > 65535) {
    return `"${port}" needs a host and a port from 1 to 65535`;
  }
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return { host, port: number };
}

export class TcpTransport extends ByteStreamTransport {
  private constructor(
    private readonly socket: net.Socket,
    readonly port: string,
    readonly baudrate: number,
  ) {
    super();
    socket.on('error', (err) => this.lose(new Error(`${port} failed: ${err.message}`)));
    socket.on('close', () => this.lose(new Error(`${port} closed the connection`)));
  }

  /** Connects to the bridge; rejects with a reason when it refuses, cannot be reached or does not answer in time. */
  static open(port: string, baudrate: number, options: TcpOptions): Promise<TcpTransport> {
    const address = parseTcpPort(port);
    if (typeof address === 'string') return Promise.reject(new Error(address));
    return new Promise((resolve, reject) => {
      // reads land in one buffer of the transport's own, handed to the line splitter (which copies
      // what it keeps): no Buffer, stream bookkeeping and next tick per read, as 'data' costs
      const readInto = Buffer.allocUnsafe(READ_BUFFER_BYTES);
      let transport: TcpTransport | undefined;
      const onread = {
        buffer: readInto,
        // reading starts after 'connect', whose listener below makes the transport
        callback: (bytes: number) => {
          transport?.received(readInto.subarray(0, bytes));
          return true;
        },
      };
      const socket = net.connect({ host: address.host, port: address.port, noDelay: true, onread });
      const timer = setTimeout(() => fail(new Error(`cannot open ${port}: no answer within ${options.connectTimeoutMs} ms`)), options.connectTimeoutMs);
      const fail = (err: Error) => {
        clearTimeout(timer);
        socket.destroy();
        reject(err.message.startsWith('cannot open') ? err : new Error(`cannot open ${port}: ${err.message}`));
      };
      socket.once('error', fail);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.off('error', fail);
        if (options.keepAliveMs > 0) socket.setKeepAlive(true, options.keepAliveMs);
        transport = new TcpTransport(socket, port, baudrate);
        resolve(transport);
      });
    });
  }

  protected send(data: string): void {
    // the string as it is (node writes latin1 straight from it): no Buffer per line
    if (!this.socket.destroyed) this.socket.write(data, 'latin1');
  }

  async close(): Promise<void> {
    if (!this.beginClose() || this.socket.destroyed) return;
    await new Promise<void>((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.destroy();
    });
  }
}
