/**
 * The simulated printer behind a TCP port, as a printer behind a serial-to-network bridge (ser2net,
 * ESP3D): the host connects to `tcp://127.0.0.1:<port>`. Each connection powers the printer on
 * afresh (a VirtualPrinter of its own, paced at the baud rate); one host at a time, as a bridge
 * serves one client. No socat and no pty: many printers fit in one process.
 */
import net from 'node:net';
import { virtualPrinterOptions, type VirtualPrinterOptions, type VirtualPrinterOverrides } from './options.js';
import { VirtualPrinter } from './virtual-printer.js';
import type { ExecutedCommand } from './virtual-printer.js';

export interface TcpPrinter {
  /** the port for the host: tcp://host:port */
  readonly address: string;
  readonly options: VirtualPrinterOptions;
  /** the printer of the current (or last) connection; null before the first */
  readonly printer: VirtualPrinter | null;
  /** every connection's printer, in order */
  readonly sessions: readonly VirtualPrinter[];
  /** what every connection's printer executed, in order */
  readonly executed: readonly ExecutedCommand[];
  /** drops the host's connection, as a bridge that lost power would */
  drop(): void;
  close(): Promise<void>;
}

/** Listens on `host:port` (loopback by default; port 0 picks a free one) and serves a simulated printer. */
export async function startTcpPrinter(port: number, overrides: VirtualPrinterOverrides = {}, host = '127.0.0.1', record: { wireLog?: boolean } = {}): Promise<TcpPrinter> {
  const options = virtualPrinterOptions({ ...overrides, pacing: overrides.pacing ?? true });
  const sessions: VirtualPrinter[] = [];
  let printer: VirtualPrinter | null = null;
  let client: net.Socket | null = null;
  const server = net.createServer({ noDelay: true }, (socket) => {
    if (client) {
      socket.destroy();
      return;
    }
    client = socket;
    const session = new VirtualPrinter(
      options,
      (data) => socket.destroyed || socket.write(Buffer.from(data, 'latin1')),
      () => socket.destroy(),
    );
    if (record.wireLog) session.wireLog = [];
    printer = session;
    sessions.push(session);
    socket.on('data', (chunk: Buffer) => session.receive(chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      session.stop();
      if (client === socket) client = null;
    });
    session.start();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as net.AddressInfo).port;
  return {
    address: `tcp://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    options,
    get printer() {
      return printer;
    },
    sessions,
    get executed() {
      return sessions.flatMap((session) => session.executed);
    },
    drop: () => client?.destroy(),
    close: () =>
      new Promise<void>((resolve) => {
        client?.destroy();
        server.close(() => resolve());
      }),
  };
}
