/**
 * The host side of the RepRap serial protocol, on top of a Transport: the handshake, numbered and
 * checksummed lines, `ok` flow control with a window of commands in flight, replays for
 * `Resend: N` from the kept history, and recovery when an `ok` is lost: Repetier's `wait` stands
 * in for it at once, and otherwise an M105 nudge after the communication timeout.
 *
 * Only answers to our commands count as progress for that timeout ("ok", resend requests, busy
 * keep-alives, replies to the command in flight): temperature auto-reports, "echo:" messages and
 * "wait" keep arriving while an "ok" is lost, and must not hold the nudge off for ever. Commands
 * that legitimately take long (heat-and-wait, homing, dwell) never time out.
 *
 * The line carries one byte a character: a command's text beyond ASCII is written as "?" (gcode.ts
 * `asciiOnly`), as OctoPrint does, after the `gcode.sending` hooks and before framing.
 *
 * It knows nothing about printer states or jobs: the owner feeds it commands (its queue first, then
 * `nextJobCommand`) and reads every received line through `ProtocolHandler.response`.
 *
 * The next line leaves in the same turn as the "ok" that frees its slot, before the owner is told
 * anything: the log of both lines, `response` and `sent` (hooks, events, the tracker, the history)
 * come after the write, in the order they happened, once the outermost receive or pump is done. With
 * one command in flight every microsecond before the write is a microsecond the printer waits.
 */
import type { Disposable } from '../../common/disposable.js';
import { onMicrotask } from '../../common/microtask.js';
import type { CommandContext } from '../hooks.js';
import type { Transport } from '../transport/transport.js';
import { realClock, type Clock } from './clock.js';
import { DEFAULT_DIALECT, type FirmwareDialect } from './dialects.js';
import { asciiOnly, frame } from './gcode.js';
import { isBusy, isChatter, isOk, isResetBanner, isWait, parseLineNumberLost, parseResend } from './responses.js';

export interface OutgoingCommand {
  command: string;
  context: CommandContext;
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
  /** the board rebooted ("start" after the handshake): line numbers start again at 1 */
  reset(): void;
  log(direction: 'send' | 'recv', line: string): void;
  /** something worth a warning in the log that is not a line (a dropped unreadable line, a duplicate "ok") */
  warn(message: string, details?: Record<string, unknown>): void;
}

export interface ProtocolOptions {
  historySize: number;
  /** ms without an answer to our commands, while an "ok" is awaited, before an M105 nudge */
  communicationTimeout: number;
  maxNudges: number;
  /** "wait" (the firmware's queue ran dry) while a command is in flight stands for its lost "ok" */
  waitAsOk: boolean;
  /** codes that may run for minutes without a word (G28, G29, M400…): no timeout while one is in flight */
  longRunning: ReadonlySet<string>;
}

/** Heat-and-wait commands: they hold the "ok" until a heater reaches its target. */
const HEAT_AND_WAIT = new Set(['M109', 'M190', 'M191', 'M116']);

const ADVANCED_OK = /^ok\s+N(\d+)\b/;

/** A written command that passes `ProtocolHandler.sent` (not raw data, not the protocol's own lines). */
interface SentCommand {
  command: OutgoingCommand;
  text: string;
}

/** What the owner is told once the writes of this turn are out, in order. */
type Notice = { kind: 'log'; direction: 'send' | 'recv'; line: string; sent?: SentCommand } | { kind: 'response'; line: string } | { kind: 'reset' };

interface Transmission {
  line: number | null;
  command: OutgoingCommand;
  /** written in the current turn of the event loop: not on the wire yet, so no "ok" can be its answer */
  fresh: boolean;
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
  /** what the firmware family needs (set after M115) */
  dialect: FirmwareDialect = DEFAULT_DIALECT;
  /** nudges written and not answered yet */
  private nudgesOut = 0;
  private readonly queue: OutgoingCommand[] = [];
  private readonly inFlight: Transmission[] = [];
  private readonly history: ({ line: number; text: string; command: OutgoingCommand } | undefined)[];
  private nextLine = 1;
  private resendNext: number | null = null;
  private pumping = false;
  private closed = false;
  private lastReceived: number;
  /** "ok"s and resend requests received: tells a deferred recovery whether the printer answered meanwhile */
  private answers = 0;
  private nudges = 0;
  private readonly watchdog: Disposable;
  private idleWaiters: (() => void)[] = [];
  /** requests waiting for their "ok", rejected when the connection closes */
  private readonly pendingRequests = new Set<{ reject: (err: Error) => void }>();
  /** set while the handshake runs */
  private hello: { answered: () => void; again: () => void; abort: () => void } | null = null;
  /** "ok"s that may still come for hellos repeated before the first answer */
  private lateHelloOks = 0;
  /** transmissions written in this turn of the event loop (see `Transmission.fresh`) */
  private readonly fresh: Transmission[] = [];
  /** lines to tell the owner about, in the order they were read and written */
  private readonly notices: Notice[] = [];
  /** receives and pumps under way: the outermost tells the notices */
  private depth = 0;
  private telling = false;

  constructor(
    private readonly transport: Transport,
    private readonly handler: ProtocolHandler,
    private readonly options: ProtocolOptions,
    /** where the timeouts are measured: the real one but in tests that run them in virtual time */
    private readonly clock: Clock = realClock,
  ) {
    this.history = new Array(Math.max(options.historySize, 8));
    this.lastReceived = clock.now();
    transport.onLine((line) => this.receive(line));
    const period = Math.max(20, Math.min(1000, options.communicationTimeout / 4));
    this.watchdog = clock.every(period, () => this.checkTimeout());
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
      const repeat = this.clock.every(Math.max(50, helloIntervalMs), hello);
      const timeout = this.clock.after(timeoutMs, () => finish(new Error(`no answer from the printer within ${timeoutMs} ms`)));
      const finish = (err?: Error) => {
        repeat.dispose();
        timeout.dispose();
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
  request(command: string, context: CommandContext, options: { raw?: boolean; answersBeforeOk?: boolean } = {}): Promise<string[]> {
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
    const text = this.wireText(command);
    if (text !== null) this.write(text, { command, text });
  }

  /** The text a command goes out as: after the `gcode.sending` hooks (not for raw ones), one byte a character; null when a hook dropped it. */
  private wireText(command: OutgoingCommand): string | null {
    const sending = command.raw ? command.command : this.handler.sending(command);
    return sending === null ? null : asciiOnly(sending);
  }

  /** Asks for the job (or queue) to be looked at again, e.g. after more file content was read. */
  pump(): void {
    if (this.pumping || this.closed || this.hello) return;
    this.pumping = true;
    this.depth++;
    const out: string[] = [];
    try {
      while (this.inFlight.length < this.window && !this.closed) {
        if (this.resendNext !== null) {
          this.resendOne(out);
          continue;
        }
        const command = this.queue.shift() ?? this.handler.nextJobCommand();
        if (!command) break;
        const text = this.wireText(command);
        if (text === null) {
          // dropped by a gcode.sending hook: nothing will answer it, so whoever waits is answered now
          command.onAck?.([]);
          continue;
        }
        const sent = command.raw ? undefined : { command, text };
        if (this.dialect.numbered) {
          const line = this.nextLine++;
          this.history[line % this.history.length] = { line, text, command };
          this.transmit({ line, command, fresh: true, rejected: false, doomed: false, collected: [] }, frame(line, text), out, sent);
        } else {
          this.transmit({ line: null, command, fresh: true, rejected: false, doomed: false, collected: [] }, text, out, sent);
        }
      }
    } finally {
      this.pumping = false;
      // every line of this pump in one write (one write(2), one TCP segment)
      if (out.length) this.transport.write(`${out.join('\n')}\n`);
      this.depth--;
    }
    this.tell();
  }

  private resendOne(out: string[]): void {
    const line = this.resendNext!;
    const kept = this.history[line % this.history.length];
    if (!kept || kept.line !== line) {
      this.resendNext = null;
      this.handler.fatal(`printer asked to resend line ${line}, which is no longer kept`);
      return;
    }
    this.resendNext = line + 1 < this.nextLine ? line + 1 : null;
    this.transmit({ line, command: kept.command, fresh: true, rejected: false, doomed: false, collected: [] }, frame(line, kept.text), out);
  }

  /** Counts `transmission` in flight; its line joins `out`, which the pump writes once it is done. */
  private transmit(transmission: Transmission, text: string, out: string[], sent?: SentCommand): void {
    this.inFlight.push(transmission);
    if (this.fresh.length === 0) onMicrotask(this.settle);
    this.fresh.push(transmission);
    out.push(text);
    this.notices.push({ kind: 'log', direction: 'send', line: text, sent });
  }

  /** An "ok" read in a later turn (a later read from the transport) may answer the lines written in this one. */
  private readonly settle = () => {
    for (const transmission of this.fresh) transmission.fresh = false;
    this.fresh.length = 0;
  };

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

  /** Writes a line of the protocol's own (hello, nudge, emergency stop) at once. */
  private write(text: string, sent?: SentCommand): void {
    this.transport.write(`${text}\n`);
    this.notices.push({ kind: 'log', direction: 'send', line: text, sent });
    this.tell();
  }

  /**
   * Tells the owner about the lines read and written, in order, unless a receive or pump is still
   * under way (its writes go first). Notices added meanwhile (a `sent` listener that queues a
   * command) are told in the same loop.
   */
  private tell(): void {
    if (this.depth > 0 || this.telling) return;
    this.telling = true;
    try {
      for (let i = 0; i < this.notices.length; i++) {
        const notice = this.notices[i]!;
        if (notice.kind === 'response') this.handler.response(notice.line);
        else if (notice.kind === 'reset') this.handler.reset();
        else {
          this.handler.log(notice.direction, notice.line);
          if (notice.sent) this.handler.sent(notice.sent.command, notice.sent.text);
        }
      }
    } finally {
      this.notices.length = 0;
      this.telling = false;
    }
  }

  /** `ProtocolHandler.response`, in turn with the lines read and written before it. */
  private respond(line: string): void {
    this.notices.push({ kind: 'response', line });
    this.tell();
  }

  private receive(raw: string): void {
    if (this.closed) return;
    this.notices.push({ kind: 'log', direction: 'recv', line: raw });
    this.depth++;
    try {
      this.process(raw);
    } finally {
      this.depth--;
    }
    this.tell();
  }

  private process(raw: string): void {
    const line = this.handler.received(raw);
    if (line === null) return;
    if (this.hello) {
      if (isOk(line)) this.hello.answered();
      else if (isResetBanner(line)) this.hello.again();
      this.respond(line);
      return;
    }
    if (isOk(line)) {
      this.answers++;
      this.progressed();
      return this.acknowledge(line);
    }
    const resend = parseResend(line);
    if (resend !== null) {
      this.answers++;
      this.progressed();
      return this.resendRequested(resend);
    }
    const lost = parseLineNumberLost(line);
    if (lost) this.recoverUnlessAnswered(line, lost.lastLine);
    if (isWait(line)) {
      this.respond(line);
      return this.idleReported();
    }
    if (isResetBanner(line)) return this.rebooted(line);
    if (isBusy(line)) this.progressed();
    else if (!isChatter(line)) {
      this.progressed();
      this.inFlight[0]?.collected.push(line);
    }
    this.respond(line);
  }

  /**
   * After "No Line Number with checksum", Marlin sends "Resend" and "ok" in the same breath; other
   * firmwares send nothing, and the line's slot would stay taken until a "wait" or a timeout (a
   * second or more of a stalled print). So once the lines already read are handled (an answer in
   * the same read has been by then) and none came, the error stands for "Resend: <Last Line + 1>"
   * with its "ok", as OctoPrint pushes on at once. Without a Last Line it stands for a bare "ok":
   * the next line's number is then unexpected, and that resend request brings the lost line back.
   */
  private recoverUnlessAnswered(error: string, lastLine: number | null): void {
    const answered = this.answers;
    setImmediate(() => {
      if (this.closed || this.hello || this.answers !== answered || this.inFlight.length === 0) return;
      this.handler.warn('the printer dropped a line without asking for it again: sending it again', { error });
      this.answers++;
      this.progressed();
      if (lastLine !== null) this.markResend(lastLine + 1);
      this.acknowledge('ok');
    });
  }

  private progressed(): void {
    this.lastReceived = this.clock.now();
    this.nudges = 0;
  }

  /**
   * "wait": the firmware's queue is empty, so whatever is in flight was answered and the answer
   * lost (Repetier sends it a second after running dry). As OctoPrint does while printing, it
   * stands for the "ok" of the oldest command in flight, so the stream goes on within one "wait".
   */
  private idleReported(): void {
    if (!this.options.waitAsOk || this.resendNext !== null) return;
    const front = this.inFlight[0];
    if (!front || front.fresh) return;
    this.handler.warn('the printer is idle with a command in flight: its "ok" was lost, "wait" stands for it', { line: front.line });
    this.progressed();
    this.acknowledge('ok');
  }

  /**
   * "start" after the handshake: the board rebooted and lost everything queued; its line counter
   * is 0 again. Nothing is replayed (the owner ends a running job); numbering restarts at 1.
   */
  private rebooted(line: string): void {
    this.inFlight.length = 0;
    this.resendNext = null;
    this.nextLine = 1;
    this.history.fill(undefined);
    for (const pending of this.pendingRequests) pending.reject(new Error('the printer reset'));
    this.pendingRequests.clear();
    this.respond(line);
    this.notices.push({ kind: 'reset' });
    this.tell();
    if (!this.busy) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /**
   * Whether the command in flight may run for long without a word: heat-and-wait commands (a
   * temperature report then is its progress) and the configured long runners (homing, probing).
   */
  private runsLong(): boolean {
    const code = this.inFlight[0]?.command.context.code;
    return !!code && (HEAT_AND_WAIT.has(code) || this.options.longRunning.has(code));
  }

  private acknowledge(line: string): void {
    const front = this.inFlight[0];
    if (front?.command.answersBeforeOk && front.collected.length === 0 && this.lateHelloOks > 0) {
      this.lateHelloOks--;
      return;
    }
    if (front?.fresh && this.nudgesOut === 0) {
      // read in the same turn as the line it would acknowledge was written: a duplicated "ok"
      this.handler.warn('ignored an "ok" that came before the line it would acknowledge was sent (a duplicated "ok")');
      this.respond(line);
      return;
    }
    if (this.isStale(line)) {
      this.handler.warn('ignored an "ok" for a line already acknowledged', { ok: line });
      this.respond(line);
      return;
    }
    if (this.nudgesOut > 0) {
      this.nudgesOut--;
      if (this.resendLost(line)) return;
    }
    this.dropUnanswered(line);
    const done = this.inFlight.shift();
    this.respond(line);
    if (done && !done.rejected) done.command.onAck?.(done.collected);
    this.pump();
    if (!this.busy && this.idleWaiters.length) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** ADVANCED_OK's "ok N<k>" for a line older than every transmission in flight: a repeated "ok". */
  private isStale(line: string): boolean {
    if (!this.advancedOk || this.nudgesOut > 0) return false;
    const match = ADVANCED_OK.exec(line);
    const front = this.inFlight[0];
    if (!match || !front || front.line === null) return false;
    const acknowledged = Number(match[1]);
    return acknowledged < front.line && !this.inFlight.some((t) => t.line === acknowledged);
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
    this.respond(line);
    this.pump();
    return true;
  }

  private resendRequested(line: number): void {
    this.markResend(line);
    // RepRapFirmware's "rs N" comes without an "ok": the request itself frees the refused line's slot
    if (!this.dialect.okAfterResend) this.acknowledge('ok');
  }

  private markResend(line: number): void {
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
    if (this.clock.now() - this.lastReceived < this.options.communicationTimeout) return;
    if (this.runsLong()) {
      this.lastReceived = this.clock.now();
      return;
    }
    if (this.nudges >= this.options.maxNudges) {
      this.handler.fatal(`communication timeout: no answer from the printer after ${this.nudges} M105 nudges`);
      return;
    }
    this.nudges++;
    this.nudgesOut++;
    this.lastReceived = this.clock.now();
    // An "ok" lost on the line leaves the window full: the nudge's "ok" stands in for it. With
    // ADVANCED_OK the nudge is M400, whose "ok N<line>" also tells which lines the printer never got.
    this.write(this.advancedOk ? 'M400' : 'M105');
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.hello?.abort();
    this.watchdog.dispose();
    this.queue.length = 0;
    this.inFlight.length = 0;
    this.fresh.length = 0;
    for (const pending of this.pendingRequests) pending.reject(new Error('printer connection closed'));
    this.pendingRequests.clear();
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
