/**
 * PrinterService: ties the parts of this folder together. The transport (transport/, simulator/)
 * carries bytes, the protocol (protocol/) frames and paces them, the state machine (state.ts) says
 * where we are, the job (job.ts) feeds file lines, the tracker (tracker.ts) follows positions and
 * tools, the hooks (hooks.ts) let plugins look at every line. This class decides what happens on
 * connect, on each answer, on pause/resume/cancel and on failure, and signals it through Emitters.
 */
import fs from 'node:fs/promises';
import { inject, injectable } from 'inversify';
import { Emitter } from '../common/event.js';
import type { LifecycleContribution } from '../common/lifecycle.js';
import type { Position, StorageOrigin } from '../events/catalogue.js';
import { HookRegistry } from '../hooks/hook-points.js';
import { errorInfo, Logger } from '../logging/logger.js';
import { SettingsService } from '../settings/settings-service.js';
import { listPorts, openTransport } from './connection.js';
import { GcodeHooks, type GcodeHookContext } from './hooks.js';
import { FileLineSource, PrintJob } from './job.js';
import type {
  ConnectionInfo,
  ConnectOptions,
  FirmwareInfo,
  JobFile,
  JobProgress,
  PrintEnd,
  PrinterService,
  PrinterSnapshot,
  PrinterState,
  SentCommand,
  TemperatureReading,
  TemperatureSample,
} from './printer-service.js';
import { commandCode, normalizeCommand } from './protocol/gcode.js';
import { GcodeProtocol, type OutgoingCommand, type ProtocolHandler } from './protocol/protocol.js';
import { parseCapability, parseError, parseFirmwareInfo, parseHostAction, parsePosition, parseTemperatures } from './protocol/responses.js';
import { parseSdStatus, SdCardClient, type SdCardLink } from './sd-card.js';
import { SdReplay } from './sd-replay.js';
import { PrinterStateMachine } from './state.js';
import { MachineTracker } from './tracker.js';
import type { Transport } from './transport/transport.js';

const TEMPERATURE_HISTORY = 300;
const DATA_QUEUE_LIMIT = 32;
const NO_PROGRESS: JobProgress = { completion: null, filepos: null, linesSent: 0, printTime: null, printTimeLeft: null };

const hostContext = (command: string): GcodeHookContext => ({ fromJob: false, code: commandCode(command) });

@injectable()
export class DefaultPrinterService implements PrinterService, LifecycleContribution {
  readonly lifecycleName = 'printer';
  private readonly machine = new PrinterStateMachine();
  private readonly tracker = new MachineTracker();
  private readonly hooks: GcodeHooks;
  private readonly log: Logger;
  private transport: Transport | null = null;
  private protocol: GcodeProtocol | null = null;
  private connection: ConnectionInfo | null = null;
  private firmwareData: FirmwareInfo | null = null;
  private temperatures: Record<string, TemperatureReading> = {};
  private readonly history: TemperatureSample[] = [];
  private selected: JobFile | null = null;
  private job: PrintJob | null = null;
  /** expansions of a job line by `gcode.queuing` still to send */
  private jobPending: OutgoingCommand[] = [];
  private lastPercent = -1;
  private finishing = false;
  private transfers = 0;
  /** commands of the running SD print, read from its local copy as the printer gets to them */
  private sdReplay: SdReplay | null = null;
  private timers: NodeJS.Timeout[] = [];
  /** counts connection attempts, so a connect overtaken by disconnect() stops where it is */
  private attempts = 0;

  private emitter<T>(): Emitter<T> {
    return new Emitter<T>((err) => this.log.error(errorInfo(err), 'a printer listener threw'));
  }
  private readonly connecting = this.emitter<void>();
  private readonly connected = this.emitter<ConnectionInfo>();
  private readonly disconnecting = this.emitter<void>();
  private readonly disconnected = this.emitter<void>();
  private readonly errored = this.emitter<{ error: string }>();
  private readonly fileSelected = this.emitter<JobFile>();
  private readonly fileDeselected = this.emitter<void>();
  private readonly printStarted = this.emitter<JobFile>();
  private readonly printPaused = this.emitter<{ file: JobFile; position: Position | null }>();
  private readonly printResumed = this.emitter<JobFile>();
  private readonly printEnded = this.emitter<{ file: JobFile; end: PrintEnd; time: number; reason?: string; position?: Position | null }>();
  private readonly commandSent = this.emitter<SentCommand>();
  private readonly positionUpdate = this.emitter<Position>();
  private readonly logged = this.emitter<{ direction: 'send' | 'recv'; line: string }>();
  private readonly temperature = this.emitter<TemperatureSample>();
  private readonly progressed = this.emitter<{ file: JobFile; progress: JobProgress }>();
  private readonly hostAction = this.emitter<{ action: string }>();
  private readonly sdCommand = this.emitter<SentCommand>();

  readonly onStateChanged = this.machine.onChanged;
  readonly onConnecting = this.connecting.event;
  readonly onConnected = this.connected.event;
  readonly onDisconnecting = this.disconnecting.event;
  readonly onDisconnected = this.disconnected.event;
  readonly onError = this.errored.event;
  readonly onFileSelected = this.fileSelected.event;
  readonly onFileDeselected = this.fileDeselected.event;
  readonly onPrintStarted = this.printStarted.event;
  readonly onPrintPaused = this.printPaused.event;
  readonly onPrintResumed = this.printResumed.event;
  readonly onPrintEnded = this.printEnded.event;
  readonly onCommandSent = this.commandSent.event;
  readonly onPositionUpdate = this.positionUpdate.event;
  readonly onLog = this.logged.event;
  readonly onTemperature = this.temperature.event;
  readonly onProgress = this.progressed.event;
  readonly onHostAction = this.hostAction.event;
  readonly onSdCommand = this.sdCommand.event;
  readonly sd: SdCardClient;

  constructor(
    @inject(SettingsService) private readonly settings: SettingsService,
    @inject(HookRegistry) registry: HookRegistry,
    @inject(Logger) logger: Logger,
  ) {
    this.log = logger.child({ service: 'printer' });
    this.hooks = new GcodeHooks(registry, this.log);
    this.sd = new SdCardClient(this.sdLink);
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  // no start(): connecting at start-up (`--connect`, serial.autoconnect) is `cuttle serve`'s decision

  async stop(): Promise<void> {
    await this.disconnect();
  }

  // ---- state -----------------------------------------------------------------------------------

  get state(): PrinterState {
    return this.machine.state;
  }

  snapshot(): PrinterSnapshot {
    return {
      state: this.machine.state,
      connection: this.connection,
      temperatures: { ...this.temperatures },
      job: this.selected,
      progress: this.job?.progress() ?? NO_PROGRESS,
      currentZ: this.tracker.z,
    };
  }

  firmware(): FirmwareInfo | null {
    return this.firmwareData;
  }

  temperatureHistory(): readonly TemperatureSample[] {
    return this.history;
  }

  listPorts(): Promise<string[]> {
    return listPorts();
  }

  isBusyWith(origin: StorageOrigin, path: string): boolean {
    return this.machine.jobActive && this.job?.file.origin === origin && this.job.file.path === path;
  }

  // ---- connection ------------------------------------------------------------------------------

  async connect(options: ConnectOptions = {}): Promise<void> {
    if (!this.machine.is('OFFLINE', 'CLOSED_WITH_ERROR')) await this.disconnect();
    const port = options.port ?? this.settings.get('serial.port');
    const baudrate = options.baudrate ?? this.settings.get('serial.baudrate');
    this.connecting.fire();
    this.machine.to('OPEN_SERIAL');
    const attempt = ++this.attempts;
    let transport: Transport;
    try {
      transport = await openTransport(port, baudrate, this.settings);
    } catch (err) {
      if (attempt === this.attempts) this.fail(err instanceof Error ? err.message : String(err));
      throw err;
    }
    if (attempt !== this.attempts) {
      // disconnect() (or another connect) came while the port was opening
      await transport.close();
      throw new Error(`connecting to ${port} was cancelled`);
    }
    this.transport = transport;
    transport.onLost((err) => this.fail(err.message));
    const protocol = new GcodeProtocol(transport, this.protocolHandler, {
      historySize: this.settings.get('serial.historySize'),
      communicationTimeout: this.settings.get('serial.timeout.communication'),
      maxNudges: this.settings.get('serial.timeout.maxNudges'),
    });
    this.protocol = protocol;
    this.tracker.reset();
    this.machine.to('CONNECTING');
    try {
      await protocol.handshake(this.settings.get('serial.timeout.connection'), this.settings.get('serial.timeout.hello'));
      this.firmwareData = readFirmware(await protocol.request('M115', hostContext('M115'), { answersBeforeOk: true }));
    } catch (err) {
      if (this.protocol !== protocol) throw new Error(`connecting to ${port} was cancelled`);
      const message = err instanceof Error ? err.message : String(err);
      this.fail(message);
      throw new Error(`cannot connect to ${port}: ${message}`);
    }
    if (this.protocol !== protocol) throw new Error(`connecting to ${port} was cancelled`);
    protocol.advancedOk = this.firmwareData.capabilities.ADVANCED_OK === true;
    protocol.window = protocol.advancedOk ? Math.max(1, this.settings.get('serial.window')) : 1;
    this.startTemperatureReports(protocol);
    this.connection = { port, baudrate };
    this.machine.to('OPERATIONAL');
    this.log.info({ port, baudrate, firmware: this.firmwareData.name, window: protocol.window }, 'connected to the printer');
    this.connected.fire(this.connection);
  }

  async disconnect(): Promise<void> {
    if (this.machine.is('OFFLINE')) return;
    if (this.machine.is('CLOSED_WITH_ERROR')) {
      this.machine.to('OFFLINE');
      return;
    }
    this.disconnecting.fire();
    const jobWasActive = this.machine.jobActive;
    await this.teardown();
    this.machine.to('OFFLINE');
    this.log.info('disconnected from the printer');
    this.disconnected.fire();
    if (jobWasActive) this.endJob('failed', { reason: 'disconnected' });
  }

  /** The connection cannot go on: Error, Disconnected, PrintFailed, then "Offline after error". */
  private fail(message: string): void {
    if (this.machine.is('OFFLINE', 'ERROR', 'CLOSED_WITH_ERROR')) return;
    this.log.error({ error: message }, 'printer communication failed');
    const jobWasActive = this.machine.jobActive;
    this.machine.to('ERROR', message);
    this.errored.fire({ error: message });
    void this.teardown();
    this.disconnected.fire();
    if (jobWasActive) this.endJob('failed', { reason: message });
    this.machine.to('CLOSED_WITH_ERROR', message);
  }

  private async teardown(): Promise<void> {
    this.attempts++;
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    const { protocol, transport } = this;
    this.protocol = null;
    this.transport = null;
    this.connection = null;
    this.firmwareData = null;
    this.jobPending = [];
    protocol?.close();
    await transport?.close().catch((err) => this.log.warn(errorInfo(err), 'closing the port failed'));
  }

  private startTemperatureReports(protocol: GcodeProtocol): void {
    const interval = this.settings.get('serial.temperatureInterval');
    if (interval <= 0) return;
    if (this.firmwareData?.capabilities.AUTOREPORT_TEMP) {
      protocol.enqueue({ command: `M155 S${interval}`, context: hostContext('M155') });
      return;
    }
    const poll = () => {
      if (this.protocol === protocol && this.transfers === 0 && protocol.queued < 2) {
        protocol.enqueue({ command: 'M105', context: hostContext('M105') });
      }
    };
    poll();
    const timer = setInterval(poll, interval * 1000);
    timer.unref();
    this.timers.push(timer);
  }

  // ---- commands --------------------------------------------------------------------------------

  private requireProtocol(action: string): GcodeProtocol {
    if (!this.protocol || !this.machine.connected) throw new Error(`cannot ${action}: the printer is ${this.machine.state.text.toLowerCase()}`);
    return this.protocol;
  }

  commands(lines: string | readonly string[]): void {
    const protocol = this.requireProtocol('send commands');
    if (this.transfers > 0) throw new Error('cannot send commands while a file is being written to the SD card');
    const list = typeof lines === 'string' ? lines.split('\n') : lines;
    for (const line of list) {
      const command = normalizeCommand(line);
      if (!command) continue;
      const context = hostContext(command);
      if (context.code === 'M112') {
        protocol.sendNow({ command, context });
        continue;
      }
      for (const queued of this.hooks.queuing(command, context)) {
        protocol.enqueue({ command: queued, context: queued === command ? context : hostContext(queued) });
      }
    }
  }

  setTemperature(heater: string, target: number): void {
    if (!Number.isFinite(target) || target < 0) throw new Error(`target temperature must be a number of degrees ≥ 0, got ${target}`);
    const tool = /^tool(\d+)$/.exec(heater);
    if (tool) return this.commands(`M104 T${tool[1]} S${target}`);
    if (heater === 'bed') return this.commands(`M140 S${target}`);
    if (heater === 'chamber') return this.commands(`M141 S${target}`);
    throw new Error(`unknown heater "${heater}" (tool<n>, bed or chamber)`);
  }

  // ---- protocol callbacks ----------------------------------------------------------------------

  private readonly protocolHandler: ProtocolHandler = {
    sending: (command) => this.hooks.sending(command.command, command.context),
    sent: (command, text) => this.sent(command, text),
    received: (line) => this.hooks.received(line),
    response: (line) => this.response(line),
    nextJobCommand: () => this.nextJobCommand(),
    fatal: (message) => this.fail(message),
    log: (direction, line) => this.logged.fire({ direction, line }),
  };

  private sent(command: OutgoingCommand, text: string): void {
    const code = text === command.command ? command.context.code : commandCode(text);
    const context = code === command.context.code ? command.context : { ...command.context, code };
    const effects = this.tracker.apply(code, text);
    this.hooks.sent(text, context);
    this.commandSent.fire({ command: text, code, fromJob: context.fromJob, ...effects });
  }

  private response(line: string): void {
    const heaters = parseTemperatures(line);
    if (heaters) this.updateTemperatures(heaters);
    const position = parsePosition(line);
    if (position) this.positionUpdate.fire(this.withHostState(position));
    const action = parseHostAction(line);
    if (action) return this.onAction(action);
    const error = parseError(line);
    if (error && !error.transmission) return this.fail(`printer error: ${error.message}`);
    if (line.trim() === 'start' && this.machine.jobActive) return this.fail('the printer reset during the print');
    if (line.startsWith('Done printing file') && this.job?.file.origin === 'sdcard' && this.machine.is('PRINTING')) {
      const job = this.job;
      this.machine.to('FINISHING');
      void (this.sdReplay?.advance(null) ?? Promise.resolve()).then(() => {
        if (this.job === job && this.machine.is('FINISHING')) this.endJob('done');
      });
    }
  }

  private withHostState(position: { x: number; y: number; z: number; e: number }): Position {
    return { ...position, t: this.tracker.tool, f: this.tracker.feedrate };
  }

  private updateTemperatures(heaters: Record<string, TemperatureReading>): void {
    Object.assign(this.temperatures, heaters);
    const sample = { time: Date.now() / 1000, heaters: { ...this.temperatures } };
    this.history.push(sample);
    if (this.history.length > TEMPERATURE_HISTORY) this.history.shift();
    this.temperature.fire(sample);
  }

  private onAction(action: string): void {
    this.hostAction.fire({ action });
    const act = action === 'pause' ? () => this.pausePrint() : action === 'resume' ? () => this.resumePrint() : action === 'cancel' ? () => this.cancelPrint() : null;
    act?.().catch((err: unknown) => this.log.warn({ ...errorInfo(err), action }, 'host action ignored'));
  }

  // ---- job -------------------------------------------------------------------------------------

  private nextJobCommand(): OutgoingCommand | null {
    if (!this.machine.is('PRINTING') || this.job?.source == null) return null;
    if (this.jobPending.length) return this.jobPending.shift()!;
    const job = this.job;
    for (;;) {
      const next = job.source!.next();
      if (next === null) return null;
      if (next === 'eof') {
        this.finishWhenDrained();
        return null;
      }
      job.filepos = next.filepos;
      job.linesSent++;
      this.reportProgress(job);
      const context: GcodeHookContext = { fromJob: true, code: commandCode(next.command) };
      const commands = this.hooks.queuing(next.command, context);
      if (commands.length === 0) continue;
      const [first, ...rest] = commands.map((command) => ({
        command,
        context: command === next.command ? context : { fromJob: true, code: commandCode(command) },
      }));
      this.jobPending.push(...rest);
      return first!;
    }
  }

  private reportProgress(job: PrintJob): void {
    const progress = job.progress();
    const percent = Math.floor(progress.completion ?? 0);
    if (percent === this.lastPercent) return;
    this.lastPercent = percent;
    this.progressed.fire({ file: job.file, progress });
  }

  private finishWhenDrained(): void {
    if (this.finishing) return;
    this.finishing = true;
    this.machine.to('FINISHING');
    void this.protocol?.whenIdle().then(() => {
      if (this.machine.is('FINISHING')) this.endJob('done');
    });
  }

  /** Ends the job and, when still connected, returns to Operational after the event. */
  private endJob(end: PrintEnd, extra: { reason?: string; position?: Position | null } = {}): void {
    const job = this.job;
    if (!job) return;
    void job.source?.close();
    job.source = null;
    this.sdReplay = null;
    this.finishing = false;
    this.jobPending = [];
    this.printEnded.fire({ file: job.file, end, time: job.elapsed, ...extra });
    if (this.machine.is('FINISHING', 'CANCELLING', 'PRINTING', 'PAUSED', 'PAUSING', 'RESUMING')) this.machine.to('OPERATIONAL');
  }

  async selectFile(file: JobFile, printAfterSelect = false): Promise<void> {
    if (this.machine.jobActive) throw new Error('cannot select a file while a print is running');
    let size = file.size;
    if (file.origin === 'local') {
      if (!file.diskPath) throw new Error(`local file ${file.path} has no diskPath`);
      size = (await fs.stat(file.diskPath)).size;
    } else {
      this.requireProtocol('select an SD file');
      size = (await this.sd.select(file.path)).size ?? size;
    }
    this.selected = { ...file, size };
    this.job = null;
    this.fileSelected.fire(this.selected);
    if (printAfterSelect) await this.startPrint();
  }

  deselectFile(): void {
    if (this.machine.jobActive) throw new Error('cannot deselect the file while a print is running');
    if (!this.selected) return;
    this.selected = null;
    this.job = null;
    this.fileDeselected.fire();
  }

  async startPrint(): Promise<void> {
    const protocol = this.requireProtocol('start a print');
    if (!this.machine.is('OPERATIONAL')) throw new Error(`cannot start a print: the printer is ${this.machine.state.text.toLowerCase()}`);
    if (this.transfers > 0) throw new Error('cannot start a print while a file is being written to the SD card');
    const file = this.selected;
    if (!file) throw new Error('cannot start a print: no file is selected');
    const source = file.origin === 'local' ? await this.openSource(file) : null;
    this.job = new PrintJob(file, source);
    this.lastPercent = -1;
    this.finishing = false;
    this.jobPending = [];
    this.printStarted.fire(file);
    this.machine.to('PRINTING');
    if (file.origin === 'sdcard') {
      this.sdReplay = file.diskPath
        ? new SdReplay(file.diskPath, (command) => this.sdCommand.fire(command), (err) => this.log.warn(errorInfo(err), 'cannot follow the SD print in its local copy'))
        : null;
      await protocol.request('M24', hostContext('M24'));
      this.pollSdProgress(protocol);
    }
    protocol.pump();
  }

  private openSource(file: JobFile): Promise<FileLineSource> {
    return FileLineSource.open(
      file.diskPath!,
      () => this.protocol?.pump(),
      (err) => this.fail(`cannot read ${file.path}: ${err.message}`),
    );
  }

  private pollSdProgress(protocol: GcodeProtocol): void {
    const timer = setInterval(() => {
      if (this.protocol !== protocol || !this.machine.is('PRINTING') || this.job?.file.origin !== 'sdcard') return;
      protocol
        .request('M27', hostContext('M27'))
        .then((lines) => {
          const status = parseSdStatus(lines);
          if (status?.printing && this.job) {
            this.job.filepos = status.filepos ?? this.job.filepos;
            this.reportProgress(this.job);
            void this.sdReplay?.advance(this.job.filepos);
          }
        })
        .catch(() => undefined);
    }, Math.max(100, this.settings.get('serial.sdStatusInterval') * 1000));
    timer.unref();
    this.timers.push(timer);
  }

  async pausePrint(): Promise<void> {
    const protocol = this.requireProtocol('pause');
    if (!this.machine.is('PRINTING') || !this.job) throw new Error('cannot pause: no print is running');
    const job = this.job;
    this.machine.to('PAUSING');
    job.pause();
    await this.forSdJob(protocol, job, 'M25');
    await protocol.whenIdle();
    const position = await this.queryPosition(protocol);
    if (!this.machine.is('PAUSING') || this.job !== job) return;
    this.machine.to('PAUSED');
    this.printPaused.fire({ file: job.file, position });
  }

  async resumePrint(): Promise<void> {
    const protocol = this.requireProtocol('resume');
    if (!this.machine.is('PAUSED') || !this.job) throw new Error('cannot resume: the print is not paused');
    const job = this.job;
    this.machine.to('RESUMING');
    job.resume();
    await this.forSdJob(protocol, job, 'M24');
    if (!this.machine.is('RESUMING')) return;
    this.machine.to('PRINTING');
    this.printResumed.fire(job.file);
    protocol.pump();
  }

  async cancelPrint(): Promise<void> {
    const protocol = this.requireProtocol('cancel');
    if (!this.machine.is('PRINTING', 'PAUSING', 'PAUSED', 'RESUMING') || !this.job) throw new Error('cannot cancel: no print is running');
    const job = this.job;
    this.machine.to('CANCELLING');
    this.jobPending = [];
    await this.forSdJob(protocol, job, 'M25', 'M26 S0');
    await protocol.whenIdle();
    const position = await this.queryPosition(protocol);
    if (!this.machine.is('CANCELLING') || this.job !== job) return;
    this.endJob('cancelled', { position });
  }

  async restartPrint(): Promise<void> {
    if (this.machine.is('OPERATIONAL')) return this.startPrint();
    const protocol = this.requireProtocol('restart');
    const job = this.job;
    if (!this.machine.is('PAUSED') || !job) throw new Error('cannot restart: the print is neither paused nor finished');
    await job.source?.close();
    job.source = job.file.origin === 'local' ? await this.openSource(job.file) : null;
    await this.forSdJob(protocol, job, 'M26 S0');
    job.restartClock();
    this.lastPercent = -1;
    this.jobPending = [];
    this.printStarted.fire(job.file);
    this.machine.to('PRINTING');
    await this.forSdJob(protocol, job, 'M24');
    protocol.pump();
  }

  /** Sends SD print control commands (M24 start, M25 pause, M26 position) when the job prints from SD. */
  private async forSdJob(protocol: GcodeProtocol, job: PrintJob, ...commands: string[]): Promise<void> {
    if (job.file.origin !== 'sdcard') return;
    for (const command of commands) await protocol.request(command, hostContext(command));
  }

  /** M114 → position with the host's tool and feedrate; null when the printer does not say. */
  private async queryPosition(protocol: GcodeProtocol): Promise<Position | null> {
    try {
      const reported = (await protocol.request('M114', hostContext('M114'))).map(parsePosition).find(Boolean);
      return reported ? this.withHostState(reported) : null;
    } catch {
      return null;
    }
  }

  // ---- SD card ---------------------------------------------------------------------------------

  private readonly sdLink: SdCardLink = {
    request: (command) => this.requireProtocol('use the SD card').request(command, hostContext(command)),
    sendData: (line) => {
      const protocol = this.requireProtocol('write to the SD card');
      if (protocol.queued < DATA_QUEUE_LIMIT) {
        protocol.enqueue({ command: line, context: hostContext(line), raw: true });
        return Promise.resolve();
      }
      return protocol.request(line, hostContext(line), { raw: true }).then(() => undefined);
    },
    assertIdle: (action) => {
      if (!this.machine.is('OPERATIONAL') || this.transfers > 0) throw new Error(`cannot ${action}: the printer is busy (${this.machine.state.text})`);
    },
    beginTransfer: () => {
      this.transfers++;
      return () => {
        this.transfers--;
      };
    },
  };
}

function readFirmware(lines: readonly string[]): FirmwareInfo {
  const info: FirmwareInfo = { name: null, fields: {}, capabilities: {} };
  for (const line of lines) {
    const fields = parseFirmwareInfo(line);
    if (fields) {
      info.fields = fields;
      info.name = fields.FIRMWARE_NAME ?? null;
    }
    const capability = parseCapability(line);
    if (capability) info.capabilities[capability[0]] = capability[1];
  }
  return info;
}
