/**
 * The host side of Marlin's serial protocol, on top of a Transport: the handshake, numbered and
 * checksummed lines, `ok` flow control with a window of commands in flight, replays for
 * `Resend: N` from the kept history, and M105 nudges when the printer stops answering.
 *
 * It knows nothing about printer states or jobs: the owner feeds it commands (its queue first, then
 * `nextJobCommand`) and reads every received line through `ProtocolHandler.response`.
 */
import { performance } from 'node:perf_hooks';
import type { GcodeHookContext } from '../hooks.js';
import type { Transport } from '../transport/transport.js';
import { frame } from './gcode.js';
import { isBusy, isOk, parseResend } from './responses.js';

export interface OutgoingCommand {
  command: string;
  context: GcodeHookContext;
  /** data that is not executed (SD upload lines): no hooks, no event detection */
  raw?: boolean;
  /** called with the lines that arrived between sending and the acknowledging "ok" */
  onAck?: (lines: string[]) => void;
  /**
   * the firmware answers with output before its "ok" (M115): right after the handshake, an "ok"
   * before any output is a late answer to a repeated hello and is skipped (at most one per extra hello)
   */
  answersBeforeOk?: boolean;
}

/** What the protocol needs from its owner. */
export interface ProtocolHandler {
  /** the text to write (after the `gcode.sending` hook), or null to drop the command */
  sending(command: OutgoingCommand): string | null;
  sent(command: OutgoingCommand, text: string): void;
  /** the line to process (after the `gcode.received` hook), or null to ignore it */
  received(line: string): string | null;
  /** every processed line that is not a resend request, "ok" lines included */
  response(line: string): void;
  /** the next line of the running job, or null when there is none now */
  nextJobCommand(): OutgoingCommand | null;
  /** the connection cannot go on (timeout, unrecoverable resend) */
  fatal(message: string): void;
  log(direction: 'send' | 'recv', line: string): void;
}

export interface ProtocolOptions {
  historySize: number;
  /** ms without a received line, while an "ok" is awaited, before an M105 nudge */
  communicationTimeout: number;
  maxNudges: number;
}

const ADVANCED_OK = /^ok\s+N(\d+)\b/;
const TEMPERATURE_ONLY = /^\s*T\d*:\s*-?\d/;

interface Transmission {
  line: number | null;
  command: OutgoingCommand;
  /** the printer refused it (resend requested): its "ok" acknowledges nothing */
  rejected: boolean;
  /** sent after a line the printer refused: the printer will refuse it too */
  doomed: boolean;
  collected: string[];
}

export class GcodeProtocol {
  /** commands in flight allowed; 1 unless the firmware reports ADVANCED_OK */
  window = 1;
  /** the firmware answers "ok N<line> P<planner> B<buffer>" (set after M115) */
  advancedOk = false;
  /** nudges written and not answered yet */
  private nudgesOut = 0;
  private readonly queue: OutgoingCommand[] = [];
  private readonly inFlight: Transmission[] = [];
  private readonly history: ({ line: number; text: string; command: OutgoingCommand } | undefined)[];
  private nextLine = 1;
  private resendNext: number | null = null;
  private pumping = false;
  private closed = false;
  private lastReceived = performance.now();
  private nudges = 0;
  private readonly watchdog: NodeJS.Timeout;
  private idleWaiters: (() => void)[] = [];
  /** requests waiting for their "ok", rejected when the connection closes */
  private readonly pendingRequests = new Set<{ reject: (err: Error) => void }>();
  /** set while the handshake runs */
  private hello: { answered: () => void; again: () => void; abort: () => void } | null = null;
  /** "ok"s that may still come for hellos repeated before the first answer */
  private lateHelloOks = 0;

  constructor(
    private readonly transport: Transport,
    private readonly handler: ProtocolHandler,
    private readonly options: ProtocolOptions,
  ) {
    this.history = new Array(Math.max(options.historySize, 8));
    transport.onLine((line) => this.receive(line));
    const period = Math.max(20, Math.min(1000, options.communicationTimeout / 4));
    this.watchdog = setInterval(() => this.checkTimeout(), period);
    this.watchdog.unref();
  }

  /**
   * Sends "N0 M110 N0" (resets the line counter) until an "ok" arrives, again at once when the
   * printer announces a reset with "start". Rejects after `timeoutMs`.
   */
  handshake(timeoutMs: number, helloIntervalMs: number): Promise<void> {
    let hellos = 0;
    const hello = () => {
      hellos++;
      this.write(frame(0, 'M110 N0'));
    };
    return new Promise<void>((resolve, reject) => {
      const repeat = setInterval(hello, Math.max(50, helloIntervalMs));
      const timeout = setTimeout(() => finish(new Error(`no answer from the printer within ${timeoutMs} ms`)), timeoutMs);
      const finish = (err?: Error) => {
        clearInterval(repeat);
        clearTimeout(timeout);
        this.hello = null;
        if (err) reject(err);
        else resolve();
      };
      this.hello = {
        answered: () => {
          this.nextLine = 1;
          this.inFlight.length = 0;
          // every other hello may still be answered; those late "ok"s come before anything sent next
          this.lateHelloOks = hellos - 1;
          finish();
        },
        again: hello,
        abort: () => finish(new Error('the connection was closed during the handshake')),
      };
      hello();
    });
  }

  enqueue(command: OutgoingCommand): void {
    if (this.closed) throw new Error('printer connection is closed');
    this.queue.push(command);
    this.pump();
  }

  /** Queues a command and resolves with the lines that answered it, once its "ok" arrived. */
  request(command: string, context: GcodeHookContext, options: { raw?: boolean; answersBeforeOk?: boolean } = {}): Promise<string[]> {
    return new Promise((resolve, reject) => {
      const pending = { reject };
      this.pendingRequests.add(pending);
      this.enqueue({
        command,
        context,
        ...options,
        onAck: (lines) => {
          this.pendingRequests.delete(pending);
          resolve(lines);
        },
      });
    });
  }

  /** Writes a command ahead of everything, unnumbered (M112: Marlin's emergency parser acts on it at once). */
  sendNow(command: OutgoingCommand): void {
    const text = command.raw ? command.command : this.handler.sending(command);
    if (text === null) return;
    this.write(text);
    this.handler.sent(command, text);
  }

  /** Asks for the job (or queue) to be looked at again, e.g. after more file content was read. */
  pump(): void {
    if (this.pumping || this.closed || this.hello) return;
    this.pumping = true;
    try {
      while (this.inFlight.length < this.window && !this.closed) {
        if (this.resendNext !== null) {
          this.resendOne();
          continue;
        }
        const command = this.queue.shift() ?? this.handler.nextJobCommand();
        if (!command) break;
        const text = command.raw ? command.command : this.handler.sending(command);
        if (text === null) continue;
        const line = this.nextLine++;
        this.history[line % this.history.length] = { line, text, command };
        this.inFlight.push({ line, command, rejected: false, doomed: false, collected: [] });
        this.write(frame(line, text));
        if (!command.raw) this.handler.sent(command, text);
      }
    } finally {
      this.pumping = false;
    }
  }

  private resendOne(): void {
    const line = this.resendNext!;
    const kept = this.history[line % this.history.length];
    if (!kept || kept.line !== line) {
      this.resendNext = null;
      this.handler.fatal(`printer asked to resend line ${line}, which is no longer kept`);
      return;
    }
    this.resendNext = line + 1 < this.nextLine ? line + 1 : null;
    this.inFlight.push({ line, command: kept.command, rejected: false, doomed: false, collected: [] });
    this.write(frame(line, kept.text));
  }

  get queued(): number {
    return this.queue.length;
  }

  get busy(): boolean {
    return this.inFlight.length > 0 || this.queue.length > 0 || this.resendNext !== null;
  }

  /** Resolves once nothing is queued or in flight (the job must have stopped feeding). */
  whenIdle(): Promise<void> {
    if (!this.busy || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private write(text: string): void {
    this.handler.log('send', text);
    this.transport.write(`${text}\n`);
  }

  private receive(raw: string): void {
    if (this.closed) return;
    this.handler.log('recv', raw);
    if (this.showsProgress(raw)) {
      this.lastReceived = performance.now();
      this.nudges = 0;
    }
    const line = this.handler.received(raw);
    if (line === null) return;
    if (this.hello) {
      if (isOk(line)) this.hello.answered();
      else if (line.trim() === 'start') this.hello.again();
      this.handler.response(line);
      return;
    }
    if (isOk(line)) return this.acknowledge(line);
    const resend = parseResend(line);
    if (resend !== null) return this.resendRequested(resend);
    if (!isBusy(line)) this.inFlight[0]?.collected.push(line);
    this.handler.response(line);
  }

  /**
   * Whether a line proves the printer is working on our commands. A temperature auto-report does
   * not (it keeps coming while an "ok" is lost), unless a heat-and-wait command is what runs.
   */
  private showsProgress(line: string): boolean {
    if (!TEMPERATURE_ONLY.test(line)) return true;
    const code = this.inFlight[0]?.command.context.code;
    return code === 'M109' || code === 'M190' || code === 'M191' || code === 'M116';
  }

  private acknowledge(line: string): void {
    const front = this.inFlight[0];
    if (front?.command.answersBeforeOk && front.collected.length === 0 && this.lateHelloOks > 0) {
      this.lateHelloOks--;
      return;
    }
    if (this.nudgesOut > 0) {
      this.nudgesOut--;
      if (this.resendLost(line)) return;
    }
    this.dropUnanswered(line);
    const done = this.inFlight.shift();
    this.handler.response(line);
    if (done && !done.rejected) done.command.onAck?.(done.collected);
    this.pump();
    if (!this.busy && this.idleWaiters.length) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /**
   * ADVANCED_OK names the line it acknowledges ("ok N42 P15 B3"). The printer answers in order, so
   * transmissions in front of line 42 that are still waiting were lost on the way (a full receive
   * buffer drops lines without a word): they are forgotten, their resend is already under way.
   */
  private dropUnanswered(line: string): void {
    const match = ADVANCED_OK.exec(line);
    if (!match) return;
    const acknowledged = Number(match[1]);
    const at = this.inFlight.findIndex((t) => t.line === acknowledged && !t.rejected && !t.doomed);
    if (at > 0) this.inFlight.splice(0, at);
  }

  /**
   * A nudge's "ok N<k>" when no transmission of line k waits: the printer got everything up to k
   * and lost the rest (a full receive buffer says nothing). Those are sent again from k+1.
   */
  private resendLost(line: string): boolean {
    const match = ADVANCED_OK.exec(line);
    if (!match) return false;
    const last = Number(match[1]);
    if (this.inFlight.some((t) => t.line === last)) return false;
    const lost = this.inFlight.filter((t) => t.line !== null && t.line > last);
    if (lost.length === 0 || last + 1 >= this.nextLine) return false;
    this.inFlight.length = 0;
    this.resendNext = last + 1;
    this.handler.response(line);
    this.pump();
    return true;
  }

  private resendRequested(line: number): void {
    const front = this.inFlight[0];
    if (front) {
      const duplicate = front.doomed;
      front.rejected = true;
      if (duplicate) return;
    }
    if (line >= this.nextLine) return; // asks for a line not sent yet: the next send is that line anyway
    for (const transmission of this.inFlight.slice(1)) {
      if (transmission.line !== null && transmission.line >= line) transmission.doomed = true;
    }
    this.resendNext = line;
  }

  private checkTimeout(): void {
    if (this.closed || this.hello || this.inFlight.length === 0) return;
    if (performance.now() - this.lastReceived < this.options.communicationTimeout) return;
    if (this.nudges >= this.options.maxNudges) {
      this.handler.fatal(`communication timeout: no answer from the printer after ${this.nudges} M105 nudges`);
      return;
    }
    this.nudges++;
    this.nudgesOut++;
    this.lastReceived = performance.now();
    // An "ok" lost on the line leaves the window full: the nudge's "ok" stands in for it. With
    // ADVANCED_OK the nudge is M400, whose "ok N<line>" also tells which lines the printer never got.
    this.write(this.advancedOk ? 'M400' : 'M105');
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.hello?.abort();
    clearInterval(this.watchdog);
    this.queue.length = 0;
    this.inFlight.length = 0;
    for (const pending of this.pendingRequests) pending.reject(new Error('printer connection closed'));
    this.pendingRequests.clear();
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
