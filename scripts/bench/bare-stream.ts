/**
 * The floor of `bench:farm`: what streaming a file costs with no host logic at all. One process
 * opens each printer's port (a TCP socket, or a pty through serialport, as the host does), and
 * sends the file's lines framed `N<n> <cmd>*<cs>`, one in flight, each after the previous line's
 * "ok". No protocol engine, no events, no hooks, no push: only the bytes both ways and the line
 * splitting every host must do. The host's CPU per 1 000 lines over this one's is its overhead.
 *
 *   node dist/scripts/bench/bare-stream.js [--warmup WARMUP_FILE] LINES_FILE BAUD PORT…   (PORT: tcp://host:port or a device path)
 *
 * Prints one JSON line: { lines, cpu_ms, window_ms } over the streaming of LINES_FILE (first line out
 * to last "ok" in). With --warmup, WARMUP_FILE's lines go first, unmeasured, as the host's warm-up
 * print does in bench:farm (line numbers go on from them).
 */
import fs from 'node:fs';
import net from 'node:net';
import { SerialPort } from 'serialport';
import { frame } from '../../core/printer/protocol/gcode.js';

interface Wire {
  write(text: string): void;
  onData(listener: (chunk: Buffer) => void): () => void;
  close(): void;
}

function openTcp(address: string): Promise<Wire> {
  const url = new URL(address);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname, () => {
      socket.setNoDelay(true);
      resolve({ write: (text) => socket.write(text), onData: (l) => (socket.on('data', l), () => socket.off('data', l)), close: () => socket.destroy() });
    });
    socket.once('error', reject);
  });
}

function openSerial(path: string, baudRate: number): Promise<Wire> {
  return new Promise((resolve, reject) => {
    const port = new SerialPort({ path, baudRate }, (err) => {
      if (err) return reject(err);
      resolve({ write: (text) => port.write(text), onData: (l) => (port.on('data', l), () => port.off('data', l)), close: () => port.close() });
    });
  });
}

/** Streams every line to one printer, numbered from `firstNumber`; resolves when the last "ok" is in. */
function stream(wire: Wire, lines: readonly string[], firstNumber = 1): Promise<void> {
  return new Promise((resolve) => {
    let next = 0;
    let pending = '';
    const send = () => {
      if (next === lines.length) {
        stop();
        return resolve();
      }
      wire.write(`${frame(next + firstNumber, lines[next]!)}\n`);
      next++;
    };
    const stop = wire.onData((chunk) => {
      pending += chunk.toString('latin1');
      let end: number;
      while ((end = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, end).trim();
        pending = pending.slice(end + 1);
        if (line.startsWith('ok')) send();
      }
    });
    send();
  });
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const warmupFile = argv[0] === '--warmup' ? argv.splice(0, 2)[1] : undefined;
  const [linesFile, baud, ...ports] = argv;
  if (!linesFile || !baud || ports.length === 0) throw new Error('usage: bare-stream [--warmup WARMUP_FILE] LINES_FILE BAUD PORT…');
  const linesOf = (file: string) => fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const lines = linesOf(linesFile);
  const warmup = warmupFile ? linesOf(warmupFile) : [];
  const wires = await Promise.all(ports.map((port) => (port.startsWith('tcp://') ? openTcp(port) : openSerial(port, Number(baud)))));
  // the simulator's start-up banner comes first: let it arrive before the clock starts
  await new Promise((resolve) => setTimeout(resolve, 300));
  if (warmup.length) await Promise.all(wires.map((wire) => stream(wire, warmup)));
  const cpuFrom = process.cpuUsage();
  const from = performance.now();
  await Promise.all(wires.map((wire) => stream(wire, lines, warmup.length + 1)));
  const cpu = process.cpuUsage(cpuFrom);
  const windowMs = performance.now() - from;
  for (const wire of wires) wire.close();
  console.log(JSON.stringify({ lines: lines.length * wires.length, cpu_ms: (cpu.user + cpu.system) / 1000, window_ms: windowMs }));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
