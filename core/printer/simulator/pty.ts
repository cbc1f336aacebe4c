/**
 * The simulated printer on a pseudo-terminal, so a host reaches it through `serialport` exactly as
 * a USB printer: `socat` makes a linked pty pair (spawned with an argv array, never a shell), the
 * printer opens one end through serialport and the host is given the other (`link`). Bytes are
 * paced at the baud rate, since a pty does not pace.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { SerialTransport } from '../transport/serial-transport.js';
import { virtualPrinterOptions, type VirtualPrinterOverrides } from './options.js';
import { VirtualPrinter } from './virtual-printer.js';

export interface PtyPrinter {
  /** the device path for the host */
  readonly link: string;
  readonly printer: VirtualPrinter;
  close(): Promise<void>;
}

function socatPair(printerEnd: string, hostEnd: string): Promise<ChildProcess> {
  for (const file of [printerEnd, hostEnd]) fs.rmSync(file, { force: true });
  const socat = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${printerEnd}`, `pty,raw,echo=0,link=${hostEnd}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => fail(new Error(`socat did not start: ${log}`)), 5000);
    const fail = (err: Error) => {
      clearTimeout(timer);
      socat.kill();
      reject(err);
    };
    socat.on('error', (err) => fail(new Error(`cannot run socat: ${err.message}`)));
    socat.on('exit', (code) => fail(new Error(`socat exited with ${code}: ${log}`)));
    const onLog = (chunk: Buffer) => {
      log += chunk.toString();
      if (!log.includes('starting data transfer loop')) return;
      clearTimeout(timer);
      socat.removeAllListeners('exit');
      socat.removeAllListeners('error');
      socat.stderr!.off('data', onLog);
      socat.stderr!.resume();
      resolve(socat);
    };
    socat.stderr!.on('data', onLog);
  });
}

/** Starts socat and a paced VirtualPrinter on the `${link}.printer` end; the host opens `link`. */
export async function startPtyPrinter(link: string, overrides: VirtualPrinterOverrides = {}): Promise<PtyPrinter> {
  const options = virtualPrinterOptions({ ...overrides, pacing: overrides.pacing ?? true });
  const printerEnd = `${link}.printer`;
  const socat = await socatPair(printerEnd, link);
  const serial = await SerialTransport.open(printerEnd, options.baudrate);
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    printer.stop();
    await serial.close();
    const exited = new Promise<void>((resolve) => (socat.exitCode !== null ? resolve() : socat.once('exit', () => resolve())));
    socat.kill();
    await exited;
    for (const file of [printerEnd, link]) fs.rmSync(file, { force: true });
  };
  const printer = new VirtualPrinter(
    options,
    (data) => serial.write(data),
    () => void close(),
  );
  serial.onLine((line) => printer.receiveLine(line));
  serial.onLost(() => void close());
  socat.on('exit', () => void close());
  printer.start();
  return { link, printer, close };
}
