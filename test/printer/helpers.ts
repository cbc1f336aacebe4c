/**
 * Helpers for the printer tests: a host connected to the in-process simulator with fast settings,
 * G-code files in a temp folder, collection of bus events and waiting for conditions, a scripted
 * transport for protocol tests, and a pty fixture.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Emitter } from '../../core/common/event.js';
import type { AnyFiredEvent } from '../../core/events/event-bus.js';
import type { ProtocolHandler } from '../../core/printer/protocol/protocol.js';
import type { PtyPrinter } from '../../core/printer/simulator/pty.js';
import type { DiscardedLine, Transport } from '../../core/printer/transport/transport.js';
import { PrinterService } from '../../core/printer/printer-service.js';
import { startTestHost, type TestHost } from '../support/host.js';
import { recordEvents } from '../support/events.js';
import { PrinterRegistry } from '../../core/printers/printer-registry.js';

/** Simulator and protocol settings that make tests fast: no motion time, quick timeouts. */
export function fastSerial(virtual: Record<string, unknown> = {}, serial: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    serial: {
      port: 'virtual',
      temperatureInterval: 0,
      timeout: { connection: 3000, hello: 200, communication: 2000, maxNudges: 3 },
      ...serial,
      virtual: { speedFactor: 100, motion: false, ...virtual },
    },
  };
}

export interface PrinterHost {
  t: TestHost;
  printer: PrinterService;
  events: AnyFiredEvent[];
  /** names of events fired so far, in order, optionally only those in `names` */
  names(filter?: readonly string[]): string[];
  stop(): Promise<void>;
}

export async function startPrinterHost(config: Record<string, unknown> = fastSerial()): Promise<PrinterHost> {
  const t = await startTestHost({ config });
  const printer = t.get<PrinterRegistry>(PrinterRegistry).first()!.printer;
  const recorder = recordEvents(t);
  return {
    t,
    printer,
    events: recorder.events,
    names: recorder.names,
    async stop() {
      await printer.disconnect().catch(() => undefined);
      await t.stop();
    },
  };
}

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cuttle-printer-'));
}

/** Writes a G-code file; returns its JobFile fields. */
export function gcodeFile(dir: string, name: string, lines: readonly string[]) {
  const diskPath = path.join(dir, name);
  fs.writeFileSync(diskPath, lines.join('\n') + '\n');
  return { origin: 'local' as const, path: name, name, size: fs.statSync(diskPath).size, diskPath };
}

/** `count` typical print lines: moves with extrusion, a layer change every 50 lines, comments and blanks between. */
export function typicalLines(count: number): string[] {
  const lines: string[] = [];
  let e = 0;
  for (let i = 0; lines.length < count; i++) {
    if (i % 50 === 0) lines.push(`G1 Z${(0.2 + (i / 50) * 0.2).toFixed(2)} F600`);
    else {
      e += 0.0321;
      lines.push(`G1 X${(100 + (i % 37) * 1.37).toFixed(3)} Y${(100 + (i % 23) * 2.11).toFixed(3)} E${e.toFixed(5)}`);
    }
  }
  return lines;
}

/** A transport whose printer side a test scripts line by line; `written` collects what the host wrote. */
export class ScriptedTransport implements Transport {
  readonly port = 'scripted';
  readonly baudrate = 115200;
  readonly written: string[] = [];
  private readonly lines = new Emitter<string>();
  readonly onLine = this.lines.event;
  readonly onLost = new Emitter<Error>().event;
  readonly onDiscarded = new Emitter<DiscardedLine>().event;
  write(data: string): void {
    this.written.push(...data.split('\n').filter(Boolean));
  }
  reply(...lines: string[]): void {
    for (const line of lines) this.lines.fire(line);
  }
  async close(): Promise<void> {}
}

/** A protocol handler that passes commands through and ignores the rest. */
export function passThroughHandler(overrides: Partial<ProtocolHandler> = {}): ProtocolHandler {
  return {
    sending: (c) => c.command,
    sent: () => undefined,
    received: (line) => line,
    response: () => undefined,
    nextJobCommand: () => null,
    fatal: () => undefined,
    reset: () => undefined,
    log: () => undefined,
    warn: () => undefined,
    ...overrides,
  };
}

/** A host and a pty printer per test, both stopped after each; `dir` is the test's temp folder. */
export function ptyFixture(): { dir: string; set(host: PrinterHost, pty: PtyPrinter): void } {
  const dir = tempDir();
  let host: PrinterHost | undefined;
  let pty: PtyPrinter | undefined;
  afterEach(async () => {
    await host?.stop();
    await pty?.close();
    host = pty = undefined;
  });
  return {
    dir,
    set(h, p) {
      host = h;
      pty = p;
    },
  };
}
