/**
 * A Marlin-like firmware in TypeScript, the other end of the `virtual` port and of
 * `cuttle virtual-printer`. It lives in core (not in plugins/) because the core `virtual` port and
 * the CLI command depend on it, and core must not import plugins.
 *
 * What it does as Marlin does: start-up banner; line numbers and XOR checksums verified with
 * `Error:` + `Resend: N` + `ok`; a command buffer of 4 processed in order, and a planner of 16
 * blocks so that the `ok` of a move comes when a slot frees, and a 128-byte receive ring that
 * loses what does not fit (so a host's window must match the firmware's); heaters that approach their targets;
 * M114 positions; M115 capabilities; busy keep-alives; M155 temperature auto-report; SD commands
 * over a folder. Faults are injected from config (checksum errors, garbage, a lost ok, a
 * disconnect, silence), and every executed command is recorded for tests to compare.
 *
 * Byte output goes to `out`; the transport (in-process or serialport on a pty) owns the wire.
 */
import { commandCode, commandParams, unframe } from '../protocol/gcode.js';
import { PositioningMode } from '../protocol/positioning.js';
import { LineSplitter } from '../transport/transport.js';
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

type Reply = void | string;
type Axis = 'X' | 'Y' | 'Z' | 'E';

export class VirtualPrinter {
  readonly executed: ExecutedCommand[] = [];
  private readonly splitter = new LineSplitter((line) => this.arrive(line));
  private readonly inbox: string[] = [];
  private processing = false;
  private lastLine = 0;
  private acceptedLines = 0;
  private mode: 'running' | 'silent' | 'halted' | 'stopped' = 'running';
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
  private readonly sd: SimulatedSdCard;

  constructor(
    readonly options: VirtualPrinterOptions,
    private readonly out: (data: string) => void,
    private readonly disconnect: () => void = () => {},
  ) {
    this.rx = options.pacing ? new WireClock(options.baudrate) : null;
    this.tx = options.pacing ? new WireClock(options.baudrate) : null;
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
    this.send('start');
    this.send('echo:Marlin 2.1.2.1 (cuttle virtual printer)');
    this.send('echo: Last Updated: 2023-07-22 | Author: (cuttle)');
    this.send('echo:SD card ok');
  }

  /** Bytes from the host. */
  receive(chunk: string): void {
    if (this.mode === 'stopped') return;
    this.splitter.push(chunk);
  }

  stop(): void {
    this.mode = 'stopped';
    this.rx?.stop();
    this.tx?.stop();
    if (this.autoreport) clearInterval(this.autoreport);
    this.sd.stop();
  }

  private arrive(line: string): void {
    if (this.rx) this.rx.after(line.length + 1, () => this.enqueue(line));
    else this.enqueue(line);
  }

  private enqueue(line: string): void {
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
    const { line, command, checksumOk } = unframe(raw);
    if (!command && line === null) return;
    if (line !== null) {
      if (checksumOk === null) return this.rejectLine('No Checksum with line number');
      if (!checksumOk) return this.rejectLine('checksum mismatch');
      if (commandCode(command) === 'M110') {
        const params = commandParams(command);
        this.lastLine = Number.isFinite(params.N) ? params.N! : line;
        return this.finish(line, command, undefined);
      }
      if (line !== this.lastLine + 1) return this.rejectLine('Line Number is not Last Line Number+1');
      if (this.options.faults.checksumErrorRate > 0 && this.random() < this.options.faults.checksumErrorRate) {
        return this.rejectLine('checksum mismatch');
      }
      this.lastLine = line;
      this.acceptedLines++;
      const faults = this.options.faults;
      if (faults.disconnectAfterLines && this.acceptedLines >= faults.disconnectAfterLines) {
        this.stop();
        this.disconnect();
        return;
      }
      if (faults.silentAfterLines && this.acceptedLines >= faults.silentAfterLines) {
        this.mode = 'silent';
        return;
      }
    }
    if (this.sd.store(commandCode(command), command)) return this.ok(line);
    this.executed.push({ line, command, source: 'serial' });
    const reply = this.execute(command);
    if (reply instanceof Promise) return reply.then((suffix) => this.finish(line, command, suffix));
    this.finish(line, command, reply);
  }

  private finish(line: number | null, _command: string, suffix: Reply): void {
    const lost = this.options.faults.lostOkAfterLines;
    if (line !== null && lost && this.acceptedLines === lost && line === this.lastLine && !this.lostDone) {
      this.lostDone = true;
      return;
    }
    this.ok(line, suffix);
  }
  private lostDone = false;

  private ok(line: number | null, suffix?: Reply): void {
    if (suffix) this.send(`ok ${suffix}`);
    else if (this.options.advancedOk) this.send(`ok N${line ?? this.lastLine} P${this.planner.free} B${Math.max(0, BUFSIZE - 1 - this.inbox.length)}`);
    else this.send('ok');
  }

  private rejectLine(problem: string): void {
    this.send(`Error:${problem}, Last Line: ${this.lastLine}`);
    this.send(`Resend: ${this.lastLine + 1}`);
    this.send('ok');
  }

  private halt(): void {
    this.send('Error:Printer halted. kill() called!');
    this.mode = 'halted';
    this.inbox.length = 0;
    if (this.autoreport) clearInterval(this.autoreport);
  }

  private send(text: string): void {
    if (this.mode === 'silent' || this.mode === 'stopped') return;
    const garbage = this.options.faults.garbageRate;
    const data = garbage > 0 && this.random() < garbage ? `\u00ff\u0007~garbage~\n${text}\n` : `${text}\n`;
    if (this.tx) this.tx.after(data.length, () => this.mode !== 'stopped' && this.out(data));
    else this.out(data);
  }

  private temperatures(): string {
    const tools = this.tools;
    let report = `T:${tools[this.tool]!.report()}`;
    if (tools.length > 1) report += tools.map((heater, i) => ` T${i}:${heater.report()}`).join('');
    return `${report} B:${this.bed.report()} @:0 B@:0`;
  }

  /** Runs `work`, printing Marlin's "busy: processing" keep-alive while it takes long. */
  private async busy<T>(work: Promise<T>): Promise<T> {
    const keepalive = setInterval(() => this.send('echo:busy: processing'), KEEPALIVE_MS);
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
        this.send(`X:${this.fmt('X')} Y:${this.fmt('Y')} Z:${this.fmt('Z')} E:${this.fmt('E')} Count X:0 Y:0 Z:0`);
        return;
      case 'M115':
        return this.firmwareInfo();
      case 'M400':
        return this.busy(Promise.resolve(this.planner.drain()));
      case 'M118':
        this.send(command.replace(/^M118\s*/i, '').replace(/^A1\s*/, '//').replace(/^E1\s*/, 'echo:'));
        return;
      case null:
        if (/^T\d+$/i.test(command.trim())) return this.selectTool(Number(command.trim().slice(1)));
        this.send(`echo:Unknown command: "${command}"`);
        return;
      default:
        // M0/M1 (no LCD to click: continue), M80/M81, M117, M226, M240, M245, M300, M40, M600, M701, M702…
        if (/^[GMT]\d+$/.test(code) || source === 'sd') return;
        this.send(`echo:Unknown command: "${command}"`);
    }
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
    this.send(
      `FIRMWARE_NAME:Marlin 2.1.2.1 (cuttle virtual printer) SOURCE_CODE_URL:github.com/MarlinFirmware/Marlin PROTOCOL_VERSION:1.0 MACHINE_TYPE:Cuttle Virtual EXTRUDER_COUNT:${this.tools.length} UUID:cede2a2f-41a2-4748-9b12-c55c62f367ff`,
    );
    const caps: [string, boolean][] = [
      ['SERIAL_XON_XOFF', false],
      ['BINARY_FILE_TRANSFER', false],
      ['EEPROM', false],
      ['AUTOREPORT_TEMP', this.options.autoreportTemp],
      ['AUTOREPORT_POS', false],
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
      ['ADVANCED_OK', this.options.advancedOk],
      ['THERMAL_PROTECTION', true],
      ['MOTION_MODES', false],
      ['ARCS', true],
      ['BABYSTEPPING', false],
      ['CHAMBER_TEMPERATURE', false],
    ];
    for (const [name, on] of caps) this.send(`Cap:${name}:${on ? 1 : 0}`);
  }
}
