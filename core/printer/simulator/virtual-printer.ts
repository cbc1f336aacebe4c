/**
 * A simulated firmware in TypeScript, the other end of the `virtual` port and of
 * `cuttle virtual-printer`. It lives in core (not in plugins/) because the core `virtual` port and
 * the CLI command depend on it, and core must not import plugins. It plays Marlin by default, and
 * any family of `firmwares.ts` (`firmware` option): banner, M115, "ok" and resend forms, error
 * texts, Repetier's "wait" and "skip", Klipper's and Smoothieware's unnumbered lines.
 *
 * What it does as Marlin does: start-up banner; line numbers and XOR checksums verified with
 * `Error:` + `Resend: N` + `ok`; a command buffer of 4 processed in order, and a planner of 16
 * blocks so that the `ok` of a move comes when a slot frees, and a 128-byte receive ring that
 * loses what does not fit (so a host's window must match the firmware's); heaters that approach their targets;
 * M114 positions (M154 auto-report); M115 capabilities; busy keep-alives; M155 temperature auto-report; SD commands
 * over a folder. Faults are injected from config (checksum errors, garbage bytes, a lost or
 * duplicated ok, resends for acknowledged or forgotten lines, resend bursts, over-long lines,
 * answers split across writes, a reboot, a disconnect, silence), and every executed command is
 * recorded for tests to compare.
 *
 * Byte output goes to `out`; the transport (in-process or serialport on a pty) owns the wire.
 */
import { performance } from 'node:perf_hooks';
import { commandCode, commandParams, unframe } from '../protocol/gcode.js';
import { PositioningMode } from '../protocol/positioning.js';
import { LineSplitter } from '../transport/transport.js';
import { SIMULATED_FIRMWARES, type RejectReason, type SimulatedFirmware } from './firmwares.js';
import type { VirtualPrinterOptions } from './options.js';
import { Heater, Planner, seededRandom, sleep } from './physics.js';
import { SimulatedSdCard } from './sd-card.js';
import { WireClock } from './wire-clock.js';

export interface ExecutedCommand {
  /** the line number it was sent with, null when unnumbered or read from SD */
  line: number | null;
  command: string;
  source: 'serial' | 'sd';
}

const BUFSIZE = 4;
/** Marlin's serial receive ring (RX_BUFFER_SIZE): where lines wait while the command buffer is full */
const RX_BUFFER = 128;
const PLANNER_SIZE = 16;
const KEEPALIVE_MS = 2000;
const HEAT_RATE = 3;
const HOME_MS = 1500;
/** Repetier sends "wait" after this long with an empty queue, and again each time it passes */
const IDLE_WAIT_MS = 1000;
/** Repetier skips a numbered line it has already seen if it is at most this far back */
const REPEAT_WINDOW = 40;

type Reply = void | string;
type Axis = 'X' | 'Y' | 'Z' | 'E';

export class VirtualPrinter {
  readonly executed: ExecutedCommand[] = [];
  // a firmware reads bytes: a line with bytes beyond ASCII is taken, its checksum over those bytes (Marlin, Prusa)
  private readonly splitter = new LineSplitter((line) => this.arrive(line), undefined, true);
  private readonly inbox: string[] = [];
  private processing = false;
  private lastLine = 0;
  private acceptedLines = 0;
  /**
   * 'booting' until `start()`: a board whose port was just opened is resetting (DTR) and its boot
   * loader swallows whatever the host sends, so the host's first hello goes unanswered and the
   * "start" banner comes first, as on a real Marlin over USB.
   */
  private mode: 'booting' | 'running' | 'silent' | 'halted' | 'stopped' = 'booting';
  private readonly rx: WireClock | null;
  private readonly tx: WireClock | null;
  private readonly random: () => number;
  private readonly tools: Heater[];
  private readonly bed: Heater;
  private readonly planner = new Planner(PLANNER_SIZE);
  private readonly position: Record<Axis, number> = { X: 0, Y: 0, Z: 0, E: 0 };
  private readonly positioning = new PositioningMode();
  private feedrate = 1500;
  private tool = 0;
  private autoreport: NodeJS.Timeout | null = null;
  /** M154's position auto-report */
  private positionReport: NodeJS.Timeout | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private idleSince = performance.now();
  private readonly sd: SimulatedSdCard;
  private readonly fw: SimulatedFirmware;
  /** refusals left in a burst (resendBurstAfterLines) */
  private burstLeft = 0;

  constructor(
    readonly options: VirtualPrinterOptions,
    private readonly out: (data: string) => void,
    private readonly disconnect: () => void = () => {},
  ) {
    this.fw = SIMULATED_FIRMWARES[options.firmware] ?? SIMULATED_FIRMWARES.marlin;
    this.rx = options.pacing ? new WireClock(options.baudrate, options.sleepPacing) : null;
    this.tx = options.pacing ? new WireClock(options.baudrate, options.sleepPacing) : null;
    this.random = seededRandom(options.faults.seed);
    this.tools = Array.from({ length: Math.max(1, options.extruders) }, () => new Heater(options.speedFactor, HEAT_RATE));
    this.bed = new Heater(options.speedFactor, HEAT_RATE / 3);
    this.sd = new SimulatedSdCard(options.sdFolder, {
      send: (line) => this.send(line),
      run: (command) => {
        this.executed.push({ line: null, command, source: 'sd' });
        return this.execute(command, 'sd');
      },
      alive: () => this.mode === 'running',
    });
  }

  /** Power on: the banner a freshly reset board prints. */
  start(): void {
    if (this.mode === 'booting') this.mode = 'running';
    for (const line of this.fw.banner) this.send(line);
    if (this.fw.idleWait && !this.idleTimer) {
      this.idleTimer = setInterval(() => this.reportIdle(), IDLE_WAIT_MS / 4);
      this.idleTimer.unref();
    }
  }

  /** Repetier: "wait" once the queue has been empty for a second, and every second after. */
  private reportIdle(): void {
    if (this.mode !== 'running' || this.processing || this.inbox.length) {
      this.idleSince = performance.now();
      return;
    }
    if (performance.now() - this.idleSince < IDLE_WAIT_MS) return;
    this.idleSince = performance.now();
    this.send('wait');
  }

  /** Bytes from the host, as latin1 characters. */
  receive(chunk: string): void {
    if (this.mode === 'stopped') return;
    this.splitter.push(Buffer.from(chunk, 'latin1'));
  }

  /** A whole line from the host (a transport that splits lines itself). */
  receiveLine(line: string): void {
    if (this.mode !== 'stopped') this.arrive(line);
  }

  stop(): void {
    this.mode = 'stopped';
    if (this.idleTimer) clearInterval(this.idleTimer);
    this.rx?.stop();
    this.tx?.stop();
    this.stopAutoreports();
    this.sd.stop();
  }

  /**
   * How long the host kept the printer waiting: from the moment an "ok" left the printer to the
   * moment the next line began to arrive, in ms, for every "ok" that was answered, with the wall
   * clock times of the "ok" and of that arrival (ms since the epoch, to compare with another
   * process's clock: an "ok" from before a print, answered by its first line, is no gap). A
   * host that is busy elsewhere shows here as a planner that may run dry.
   */
  readonly okGaps: { at: number; ms: number; ok: number }[] = [];
  /**
   * When each "ok" not yet answered by a line left the printer (the host answers them in order).
   * Without ADVANCED_OK the host keeps one command in flight, so only the latest "ok" waits for a
   * line: an older one was never going to be answered (the late "ok" of a repeated hello, which the
   * host skips), and left queued it would pair every later line with the "ok" before its own.
   */
  private readonly oksOut: number[] = [];

  /** bytes that crossed the wire so far: received from the host, and sent to it */
  readonly wireBytes = { in: 0, out: 0 };
  /**
   * When set (`virtual-printer --wire-log`), every line from the host as it arrives: the wall clock
   * (ms since the epoch), the line, and the wire's byte counts at that moment (this line included),
   * so a benchmark measures a print's line rate and its bytes per line on the printer's side.
   */
  wireLog: { at: number; line: string; in: number; out: number }[] | null = null;

  private arrive(line: string): void {
    this.wireBytes.in += line.length + 1;
    this.wireLog?.push({ at: performance.timeOrigin + performance.now(), line, in: this.wireBytes.in, out: this.wireBytes.out });
    const okAt = this.oksOut.shift();
    if (okAt !== undefined) {
      const now = performance.now();
      this.okGaps.push({ at: performance.timeOrigin + now, ms: now - okAt, ok: performance.timeOrigin + okAt });
    }
    if (this.rx) this.rx.after(line.length + 1, () => this.enqueue(line));
    else this.enqueue(line);
  }

  private enqueue(line: string): void {
    if (this.mode === 'halted' && this.fw.halted === '!!') return this.send('!!');
    if (this.mode !== 'running') return;
    // Marlin's emergency parser acts on M112 as the bytes arrive, ahead of the queue
    if (/(^|\s)M112(\s|\*|$)/i.test(line)) return this.halt();
    if (this.overflows(line)) return;
    this.inbox.push(line);
    if (!this.processing) this.pump();
  }

  /**
   * A host that sends more than the command buffer and the receive ring hold loses bytes, as on a
   * real board: the line is dropped, and the next one is answered with a line-number error and Resend.
   */
  private overflows(line: string): boolean {
    const slots = BUFSIZE - (this.processing ? 1 : 0);
    if (this.inbox.length < slots) return false;
    let ring = line.length + 1;
    for (let i = slots; i < this.inbox.length; i++) ring += this.inbox[i]!.length + 1;
    if (ring <= RX_BUFFER) return false;
    this.rxOverflows++;
    return true;
  }
  /** lines lost to a full receive buffer */
  rxOverflows = 0;

  private pump(): void {
    while (this.inbox.length && !this.processing && this.mode === 'running') {
      const pending = this.handle(this.inbox.shift()!);
      if (pending) {
        this.processing = true;
        pending.then(
          () => {
            this.processing = false;
            this.pump();
          },
          (err: unknown) => {
            this.processing = false;
            this.send(`echo:internal error ${String(err)}`);
            this.pump();
          },
        );
      }
    }
  }

  /** One line from the command buffer: verify framing, then execute (or store while uploading). */
  private handle(raw: string): Promise<void> | void {
    this.idleSince = performance.now();
    const framed = unframe(raw);
    const command = framed.command;
    // Klipper and Smoothieware ignore line numbers and checksums
    const line = this.fw.checksLines ? framed.line : null;
    if (!command && line === null) return;
    if (line !== null) {
      if (framed.checksumOk === null) return this.rejectLine('missingChecksum');
      if (!framed.checksumOk) return this.rejectLine('checksum');
      if (commandCode(command) === 'M110') {
        const params = commandParams(command);
        this.lastLine = Number.isFinite(params.N) ? params.N! : line;
        return this.finish(line, command, undefined);
      }
      if (this.fw.skipsRepeats && line <= this.lastLine && this.lastLine - line < REPEAT_WINDOW) {
        this.send(`skip ${line}`);
        return this.send('ok');
      }
      if (this.lineNumberLost()) return this.send(`Error:No Line Number with checksum, Last Line: ${this.lastLine}`);
      if (line !== this.lastLine + 1) return this.rejectLine('lineNumber');
      if (this.refuses()) return this.rejectLine('checksum');
      this.lastLine = line;
    }
    if (commandCode(command) !== 'M110') this.acceptedLines++;
    if (this.injectStreamFault()) return;
    if (this.sd.store(commandCode(command), command)) return this.ok(line);
    this.executed.push({ line, command, source: 'serial' });
    const reply = this.execute(command);
    if (reply instanceof Promise) return reply.then((suffix) => this.finish(line, command, suffix));
    this.finish(line, command, reply);
  }

  /**
   * The line after the Nth, taken as line noise had eaten its "N": OctoPrint's virtual printer
   * answers that with an error and nothing else (no Resend, no ok), and drops the line.
   */
  private lineNumberLost(): boolean {
    const after = this.options.faults.unansweredErrorAfterLines;
    if (!after || this.acceptedLines !== after || this.lineNumberLostDone) return false;
    this.lineNumberLostDone = true;
    return true;
  }
  private lineNumberLostDone = false;

  /** Injected checksum errors: at random, and in a burst of three refusals after a given line. */
  private refuses(): boolean {
    const faults = this.options.faults;
    if (this.burstLeft > 0) {
      this.burstLeft--;
      return true;
    }
    if (faults.resendBurstAfterLines && this.acceptedLines === faults.resendBurstAfterLines && !this.burstDone) {
      this.burstDone = true;
      this.burstLeft = Math.max(0, faults.resendBurstLength - 1);
      return true;
    }
    return faults.checksumErrorRate > 0 && this.random() < faults.checksumErrorRate;
  }
  private burstDone = false;

  /** Faults that end or disturb the stream once the Nth line was accepted; true when the line is not run. */
  private injectStreamFault(): boolean {
    const faults = this.options.faults;
    const n = this.acceptedLines;
    if (faults.disconnectAfterLines && n >= faults.disconnectAfterLines) {
      this.stop();
      this.disconnect();
      return true;
    }
    if (faults.silentAfterLines && n >= faults.silentAfterLines) {
      this.mode = 'silent';
      return true;
    }
    if (faults.resetAfterLines && n === faults.resetAfterLines) {
      if (this.fw.rebootDisconnects) {
        this.stop();
        this.disconnect();
      } else this.reboot();
      return true;
    }
    if (faults.longLineAfterLines && n === faults.longLineAfterLines) this.send(`echo:${'x'.repeat(10_000)}`);
    return false;
  }

  /** A reboot: the queue and the line counter are lost; the banner is printed again. */
  private reboot(): void {
    this.inbox.length = 0;
    this.lastLine = 0;
    this.stopAutoreports();
    this.start();
  }

  private finish(line: number | null, command: string, suffix: Reply): void {
    const faults = this.options.faults;
    const n = this.acceptedLines;
    const once = (fault: 'lost' | 'duplicate' | 'acked' | 'stale', at: number) => {
      if (!at || n !== at || this.faultsDone.has(fault) || commandCode(command) === 'M110') return false;
      this.faultsDone.add(fault);
      return true;
    };
    if (once('lost', faults.lostOkAfterLines)) return;
    this.ok(line, suffix);
    if (once('duplicate', faults.duplicateOkAfterLines)) this.ok(line, suffix);
    // a resend request for a line already acknowledged, without the counter going back
    if (once('acked', faults.resendAckedAfterLines) && this.lastLine > 1) this.send(this.fw.reject(this.fw.problem.checksum, this.lastLine - 2, false).find((l) => /^(resend|rs)/i.test(l))!);
    // it asks for line 1 again (and means it): only a host that still kept line 1 could go on
    if (once('stale', faults.staleResendAfterLines)) {
      this.lastLine = 0;
      for (const reply of this.fw.reject(this.fw.problem.lineNumber, 0, false)) this.send(reply);
    }
  }
  private readonly faultsDone = new Set<string>();

  /** "ok N<line> P<planner> B<buffer>": the host may keep several commands in flight */
  private get advancedOk(): boolean {
    return this.options.advancedOk && this.fw.advancedOk;
  }

  private ok(line: number | null, suffix?: Reply): void {
    if (suffix) this.send(`ok ${suffix}`);
    else if (this.advancedOk) this.send(`ok N${line ?? this.lastLine} P${this.planner.free} B${Math.max(0, BUFSIZE - 1 - this.inbox.length)}`);
    else this.send(line === null ? 'ok' : this.fw.ok(line));
  }

  private rejectLine(reason: RejectReason): void {
    for (const reply of this.fw.reject(this.fw.problem[reason], this.lastLine, this.options.faults.resendBeforeError)) this.send(reply);
  }

  private halt(): void {
    this.send(this.fw.halted);
    this.mode = 'halted';
    this.inbox.length = 0;
    this.stopAutoreports();
  }

  private stopAutoreports(): void {
    if (this.autoreport) clearInterval(this.autoreport);
    if (this.positionReport) clearInterval(this.positionReport);
    this.autoreport = this.positionReport = null;
  }

  private send(text: string): void {
    if (this.mode === 'silent' || this.mode === 'stopped') return;
    const { garbageRate, fragmentRate } = this.options.faults;
    // bytes that are not UTF-8 (line noise, a board's boot loader) on a line of their own
    const data = garbageRate > 0 && this.random() < garbageRate ? `\u00ff\u0007~garbage\u00fe~\n${text}\n` : `${text}\n`;
    if (fragmentRate > 0 && data.length > 2 && this.random() < fragmentRate) {
      const cut = 1 + Math.floor(this.random() * (data.length - 1));
      this.write(data.slice(0, cut));
      // the rest comes in a later read, as when a USB frame ends mid-line
      setTimeout(() => this.write(data.slice(cut)), 3);
      return;
    }
    this.write(data);
  }

  private write(data: string): void {
    if (this.mode === 'stopped') return;
    if (this.tx) this.tx.after(data.length, () => this.emit(data));
    else this.emit(data);
  }

  private emit(data: string): void {
    if (this.mode === 'stopped') return;
    if (data.startsWith('ok')) {
      if (!this.advancedOk) this.oksOut.length = 0;
      if (this.oksOut.length < 64) this.oksOut.push(performance.now());
    }
    this.wireBytes.out += data.length;
    this.out(data);
  }

  private temperatures(): string {
    const tools = this.tools;
    let report = `T:${tools[this.tool]!.report()}`;
    if (tools.length > 1) report += tools.map((heater, i) => ` T${i}:${heater.report()}`).join('');
    return `${report} B:${this.bed.report()}${this.fw.temperatureExtras}`;
  }

  /** Runs `work`, printing Marlin's "busy: processing" keep-alive while it takes long. */
  private async busy<T>(work: Promise<T>): Promise<T> {
    const busy = this.fw.busy;
    const keepalive = setInterval(() => busy && this.send(busy), KEEPALIVE_MS);
    try {
      return await work;
    } finally {
      clearInterval(keepalive);
    }
  }

  private scaled(ms: number): number {
    return ms / Math.max(this.options.speedFactor, 1e-6);
  }

  /** Executes one command; a string result goes into the "ok" line (as M105 does). */
  private execute(command: string, source: 'serial' | 'sd' = 'serial'): Reply | Promise<Reply> {
    const code = commandCode(command);
    if (this.positioning.apply(code)) return;
    const p = commandParams(command);
    if (this.sd.handle(code, command, p)) return;
    switch (code) {
      case 'G0':
      case 'G1':
        return this.move(p);
      case 'G4':
        return this.busy(Promise.resolve(this.planner.drain()).then(() => sleep(this.scaled((p.P ?? 0) + (p.S ?? 0) * 1000))));
      case 'G28': {
        const all = !('X' in p) && !('Y' in p) && !('Z' in p);
        for (const axis of ['X', 'Y', 'Z'] as const) if (all || axis in p) this.position[axis] = 0;
        return this.options.motion ? this.busy(Promise.resolve(this.planner.drain()).then(() => sleep(this.scaled(HOME_MS)))) : undefined;
      }
      case 'G92':
        for (const axis of ['X', 'Y', 'Z', 'E'] as const) if (Number.isFinite(p[axis])) this.position[axis] = p[axis]!;
        return;
      case 'M104':
      case 'M109':
        return this.setHeater(this.tools[Number.isFinite(p.T) ? p.T! : this.tool], p, code === 'M109');
      case 'M140':
      case 'M190':
        return this.setHeater(this.bed, p, code === 'M190');
      case 'M105':
        return this.temperatures();
      case 'M155':
        return this.setAutoreport(p.S ?? 0);
      case 'M114':
        return this.reportPosition();
      case 'M154':
        if (this.positionReport) clearInterval(this.positionReport);
        this.positionReport = null;
        if ((p.S ?? 0) > 0 && this.options.autoreportPos && this.fw.positionAutoreport) {
          this.positionReport = setInterval(() => this.mode === 'running' && this.reportPosition(), p.S! * 1000);
          this.positionReport.unref();
        }
        return;
      case 'M115':
        return this.firmwareInfo();
      case 'M400':
        return this.busy(Promise.resolve(this.planner.drain()));
      case 'M503':
        for (const line of this.fw.settings) this.send(line);
        return;
      case 'M118':
        this.send(command.replace(/^M118\s*/i, '').replace(/^A1\s*/, '//').replace(/^E1\s*/, 'echo:'));
        return;
      case null:
        if (/^T\d+$/i.test(command.trim())) return this.selectTool(Number(command.trim().slice(1)));
        for (const reply of this.fw.unknown(command)) this.send(reply);
        return;
      default:
        // M0/M1 (no LCD to click: continue), M80/M81, M117, M226, M240, M245, M300, M40, M600, M701, M702…
        if (/^[GMT]\d+$/.test(code) || source === 'sd') return;
        for (const reply of this.fw.unknown(command)) this.send(reply);
    }
  }

  private reportPosition(): void {
    this.send(`X:${this.fmt('X')} Y:${this.fmt('Y')} Z:${this.fmt('Z')} E:${this.fmt('E')} Count X:0 Y:0 Z:0`);
  }

  private fmt(axis: Axis): string {
    return this.position[axis].toFixed(2);
  }

  private move(p: Record<string, number>): Promise<void> | void {
    if (Number.isFinite(p.F)) this.feedrate = p.F!;
    let distance = 0;
    for (const axis of ['X', 'Y', 'Z', 'E'] as const) {
      const value = p[axis];
      if (!Number.isFinite(value)) continue;
      const target = this.positioning.target(axis, this.position[axis], value!);
      if (axis !== 'E' || distance === 0) distance = Math.hypot(distance, target - this.position[axis]);
      this.position[axis] = target;
    }
    if (!this.options.motion || distance === 0) return;
    return this.planner.add(this.scaled((distance / (this.feedrate / 60)) * 1000));
  }

  private setHeater(heater: Heater | undefined, p: Record<string, number>, wait: boolean): Promise<void> | void {
    if (!heater) {
      this.send('echo:Invalid extruder');
      return;
    }
    const value = Number.isFinite(p.S) ? p.S! : Number.isFinite(p.R) ? p.R! : heater.target;
    heater.target = value;
    if (!wait) return;
    const coolingToo = Number.isFinite(p.R);
    return this.busy(
      (async () => {
        while (!heater.reached(coolingToo) && this.mode === 'running') {
          this.send(this.temperatures());
          await sleep(Math.min(1000, this.scaled(1000)));
        }
      })(),
    );
  }

  private setAutoreport(seconds: number): void {
    if (this.autoreport) clearInterval(this.autoreport);
    this.autoreport = null;
    if (seconds > 0 && this.options.autoreportTemp) {
      this.autoreport = setInterval(() => this.mode === 'running' && this.send(this.temperatures()), seconds * 1000);
      this.autoreport.unref();
    }
  }

  private selectTool(tool: number): void {
    if (tool >= this.tools.length) this.send(`echo:T${tool} Invalid extruder`);
    else this.tool = tool;
  }

  private firmwareInfo(): void {
    this.send(this.fw.info(this.tools.length));
    if (!this.fw.capabilities) return;
    const caps: [string, boolean][] = [
      ['SERIAL_XON_XOFF', false],
      ['BINARY_FILE_TRANSFER', false],
      ['EEPROM', false],
      ['AUTOREPORT_TEMP', this.options.autoreportTemp],
      ['AUTOREPORT_POS', this.options.autoreportPos && this.fw.positionAutoreport],
      ['PROGRESS', false],
      ['PRINT_JOB', true],
      ['AUTOLEVEL', false],
      ['Z_PROBE', false],
      ['LEVELING_DATA', false],
      ['SOFTWARE_POWER', true],
      ['TOGGLE_LIGHTS', false],
      ['CASE_LIGHT_BRIGHTNESS', false],
      ['EMERGENCY_PARSER', true],
      ['HOST_ACTION_COMMANDS', true],
      ['PROMPT_SUPPORT', false],
      ['SDCARD', true],
      ['LONG_FILENAME', false],
      ['AUTOREPORT_SD_STATUS', false],
      ['ADVANCED_OK', this.advancedOk],
      ['THERMAL_PROTECTION', true],
      ['MOTION_MODES', false],
      ['ARCS', true],
      ['BABYSTEPPING', false],
      ['CHAMBER_TEMPERATURE', false],
    ];
    for (const [name, on] of caps) this.send(`Cap:${name}:${on ? 1 : 0}`);
  }
}
