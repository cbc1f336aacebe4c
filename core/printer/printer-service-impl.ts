/**
 * PrinterService: ties the parts of this folder together. The transport (from the contributed
 * TransportFactory that owns the port, transport/transport-factory.ts) carries bytes, the protocol (protocol/) frames and paces them, the state machine (state.ts) says
 * where we are, the job (job.ts) feeds file lines, the tracker (tracker.ts) follows positions and
 * tools, the hooks (hooks.ts) let plugins look at every line. This class decides what happens on
 * connect, on each answer, on pause/resume/cancel and on failure, and signals it through Emitters.
 */
import { inject, injectable } from 'inversify';
import { Emitter } from '../common/event.js';
import type { LifecycleContribution } from '../common/lifecycle.js';
import type { Position, StorageOrigin } from '../events/catalogue.js';
import { HookRegistry } from '../hooks/hook-points.js';
import { errorInfo, Logger } from '../logging/logger.js';
import { SettingsService } from '../settings/settings-service.js';
import { PrinterIdentity } from './printer-identity.js';
import { GcodeHooks } from './hooks.js';
import { hostContext, JobControl } from './job-control.js';
import { isOperational } from './octoprint-views.js';
import type {
  ConnectionInfo,
  ConnectOptions,
  FirmwareInfo,
  JobFile,
  PrinterService,
  PrinterSnapshot,
  PrinterState,
  SentCommand,
  TemperatureReading,
  TemperatureSample,
} from './printer-service.js';
import { detectDialect, dialectById } from './protocol/dialects.js';
import { commandCode, normalizeCommand } from './protocol/gcode.js';
import { GcodeProtocol, type OutgoingCommand, type ProtocolHandler } from './protocol/protocol.js';
import { parseCapability, parseError, parseFirmwareInfo, parseHostAction, parsePosition, parseTemperatures } from './protocol/responses.js';
import { SdCardClient, type SdCardLink } from './sd-card.js';
import { SdCopies } from './sd-copies.js';
import { serialSettings } from './settings.js';
import { PrinterStateError, PrinterStateMachine } from './state.js';
import { MachineTracker } from './tracker.js';
import type { Transport } from './transport/transport.js';
import { TransportProvider } from './transport/transport-factory.js';

const TEMPERATURE_HISTORY = 300;
const DATA_QUEUE_LIMIT = 32;


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
  private transfers = 0;
  private timers: NodeJS.Timeout[] = [];
  /** counts connection attempts, so a connect overtaken by disconnect() stops where it is */
  private attempts = 0;

  private emitter<T>(): Emitter<T> {
    return new Emitter<T>((err) => this.listenerFailed(err));
  }

  private listenerFailed(err: unknown): void {
    this.log.error(errorInfo(err), 'a printer listener threw');
  }
  private readonly connecting = this.emitter<void>();
  private readonly connected = this.emitter<ConnectionInfo>();
  private readonly disconnecting = this.emitter<void>();
  private readonly disconnected = this.emitter<void>();
  private readonly errored = this.emitter<{ error: string }>();
  private readonly commandSent = this.emitter<SentCommand>();
  private readonly positionUpdate = this.emitter<Position>();
  private readonly logged = this.emitter<{ direction: 'send' | 'recv'; line: string }>();
  private readonly temperature = this.emitter<TemperatureSample>();
  private readonly hostAction = this.emitter<{ action: string }>();

  readonly onStateChanged = this.machine.onChanged;
  readonly onConnecting = this.connecting.event;
  readonly onConnected = this.connected.event;
  readonly onDisconnecting = this.disconnecting.event;
  readonly onDisconnected = this.disconnected.event;
  readonly onError = this.errored.event;
  readonly onCommandSent = this.commandSent.event;
  readonly onPositionUpdate = this.positionUpdate.event;
  readonly onLog = this.logged.event;
  readonly onTemperature = this.temperature.event;
  readonly onHostAction = this.hostAction.event;
  readonly sd: SdCardClient;
  private readonly jobs: JobControl;
  // the job's signals, from job-control.ts (getters: `jobs` is made in the constructor)
  get onFileSelected() {
    return this.jobs.onFileSelected;
  }
  get onFileDeselected() {
    return this.jobs.onFileDeselected;
  }
  get onPrintStarted() {
    return this.jobs.onPrintStarted;
  }
  get onPrintPaused() {
    return this.jobs.onPrintPaused;
  }
  get onPrintResumed() {
    return this.jobs.onPrintResumed;
  }
  get onPrintEnded() {
    return this.jobs.onPrintEnded;
  }
  get onProgress() {
    return this.jobs.onProgress;
  }
  get onSdCommand() {
    return this.jobs.onSdCommand;
  }

  constructor(
    @inject(SettingsService) private readonly settings: SettingsService,
    @inject(HookRegistry) registry: HookRegistry,
    @inject(Logger) logger: Logger,
    @inject(PrinterIdentity) private readonly identity: PrinterIdentity,
    @inject(TransportProvider) private readonly transports: TransportProvider,
  ) {
    this.log = logger.child({ service: 'printer', printer: identity.id });
    this.hooks = new GcodeHooks(registry, this.log, identity.id);
    this.sd = new SdCardClient(this.sdLink, new SdCopies(() => identity.dataFolder('sd-copies')));
    this.jobs = new JobControl({
      machine: this.machine,
      hooks: this.hooks,
      sd: this.sd,
      log: this.log,
      requireProtocol: (action) => this.requireProtocol(action),
      currentProtocol: () => this.protocol,
      transferring: () => this.transfers > 0,
      withHostState: (position) => this.withHostState(position),
      fail: (message) => this.fail(message),
      addTimer: (timer) => this.timers.push(timer),
      sdStatusIntervalMs: () => Math.max(100, this.serialSettings().sdStatusInterval * 1000),
      listenerFailed: (err) => this.listenerFailed(err),
    });
    // an SD print moves the machine while the host sends nothing: the replayed Z is the current Z
    this.jobs.onSdCommand((command) => {
      if (command.zChange) this.tracker.z = command.zChange.new;
    });
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  // no start(): connecting at start-up (`connection.autoconnect`, `--connect`) is the registry's and `cuttle serve`'s decision

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
      job: this.jobs.file,
      progress: this.jobs.progress(),
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
    return this.transports.listPorts();
  }

  isBusyWith(origin: StorageOrigin, path: string): boolean {
    return this.jobs.isBusyWith(origin, path);
  }

  // ---- connection ------------------------------------------------------------------------------

  async connect(options: ConnectOptions = {}): Promise<void> {
    if (!this.machine.is('OFFLINE', 'CLOSED_WITH_ERROR')) await this.disconnect();
    const port = options.port ?? this.identity.entry.connection.port;
    const baudrate = options.baudrate ?? this.identity.entry.connection.baudrate;
    this.connecting.fire();
    this.machine.to('OPEN_SERIAL');
    const attempt = ++this.attempts;
    let transport: Transport;
    try {
      transport = await this.transports.open({ port, baudrate, printer: this.identity.id });
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
    transport.onDiscarded(({ reason, preview, bytes }) => this.log.warn({ reason, preview, bytes }, 'skipped a line from the printer'));
    const serial = this.serialSettings();
    const protocol = new GcodeProtocol(transport, this.protocolHandler, {
      historySize: serial.historySize,
      communicationTimeout: serial.timeout.communication,
      maxNudges: serial.timeout.maxNudges,
      waitAsOk: serial.waitAsOk,
      longRunning: new Set(serial.longRunningCommands.map((code) => commandCode(code) ?? code.toUpperCase())),
    });
    this.protocol = protocol;
    this.tracker.reset();
    this.machine.to('CONNECTING');
    try {
      await protocol.handshake(serial.timeout.connection, serial.timeout.hello);
      this.firmwareData = readFirmware(await protocol.request('M115', hostContext('M115'), { answersBeforeOk: true }));
    } catch (err) {
      if (this.protocol !== protocol) throw new Error(`connecting to ${port} was cancelled`);
      const message = err instanceof Error ? err.message : String(err);
      this.fail(message);
      throw new Error(`cannot connect to ${port}: ${message}`);
    }
    if (this.protocol !== protocol) throw new Error(`connecting to ${port} was cancelled`);
    const forced = serial.firmware;
    protocol.dialect = forced === 'auto' ? detectDialect(this.firmwareData.name) : dialectById(forced);
    protocol.advancedOk = this.firmwareData.capabilities.ADVANCED_OK === true;
    protocol.window = protocol.advancedOk ? Math.max(1, serial.window) : 1;
    this.startTemperatureReports(protocol);
    this.connection = { port, baudrate };
    this.machine.to('OPERATIONAL');
    this.log.info({ port, baudrate, firmware: this.firmwareData.name, dialect: protocol.dialect.id, window: protocol.window }, 'connected to the printer');
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
    // as OctoPrint closes a connection: the job fails first (PrintFailed), then Disconnected; a removed printer ends so too
    if (jobWasActive) this.jobs.end('failed', { reason: 'disconnected' });
    this.disconnected.fire();
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
    if (jobWasActive) this.jobs.end('failed', { reason: message });
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
    this.temperatures = {};
    this.jobs.connectionClosed();
    protocol?.close();
    await transport?.close().catch((err) => this.log.warn(errorInfo(err), 'closing the port failed'));
  }

  /** `serial.*` as configured now. */
  private serialSettings() {
    return this.settings.of(serialSettings).get();
  }

  private startTemperatureReports(protocol: GcodeProtocol): void {
    const interval = this.serialSettings().temperatureInterval;
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
    if (!this.protocol || !this.machine.connected) throw new PrinterStateError(`cannot ${action}: the printer is ${this.machine.state.text.toLowerCase()}`);
    return this.protocol;
  }

  commandedPosition(): { x: number | null; y: number | null; z: number | null; e: number | null } {
    const { x, y, z, e } = this.tracker;
    return { x, y, z, e };
  }

  commands(lines: string | readonly string[]): void {
    this.queueCommands(lines, false);
  }

  async commandsAcknowledged(lines: string | readonly string[]): Promise<string[]> {
    const answers = await Promise.all(this.queueCommands(lines, true));
    return answers.flat();
  }

  /** Queues each line through the gcode.queuing hook (M112 ahead of everything); with `answered`, the answer of each queued one. */
  private queueCommands(lines: string | readonly string[], answered: boolean): Promise<string[]>[] {
    const protocol = this.requireProtocol('send commands');
    if (this.transfers > 0) throw new Error('cannot send commands while a file is being written to the SD card');
    const list = typeof lines === 'string' ? lines.split('\n') : lines;
    const answers: Promise<string[]>[] = [];
    for (const line of list) {
      const command = normalizeCommand(line);
      if (!command) continue;
      const context = hostContext(command);
      if (context.code === 'M112') {
        protocol.sendNow({ command, context });
        continue;
      }
      for (const queued of this.hooks.queuing(command, context)) {
        const queuedContext = queued === command ? context : hostContext(queued);
        if (answered) answers.push(protocol.request(queued, queuedContext));
        else protocol.enqueue({ command: queued, context: queuedContext });
      }
    }
    return answers;
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
    nextJobCommand: () => this.jobs.nextCommand(),
    fatal: (message) => this.fail(message),
    reset: () => this.printerReset(),
    log: (direction, line) => this.logged.fire({ direction, line }),
    warn: (message, details) => this.log.warn(details ?? {}, message),
  };

  /**
   * The board rebooted on its own (a brown-out, a watchdog, someone pressed reset). A running job
   * cannot go on: the printer lost its position and its queue, so it ends in a clean failure
   * rather than a blind replay. Otherwise the connection carries on with fresh line numbers, and
   * the temperature auto-report, which a reboot switches off, is asked for again.
   */
  private printerReset(): void {
    if (this.machine.jobActive) return this.fail('the printer reset during the print');
    this.log.warn('the printer reset; line numbers start again');
    if (this.protocol && this.firmwareData?.capabilities.AUTOREPORT_TEMP) this.startTemperatureReports(this.protocol);
  }

  private sent(command: OutgoingCommand, text: string): void {
    const code = text === command.command ? command.context.code : commandCode(text);
    const context = code === command.context.code ? command.context : { ...command.context, code };
    const effects = this.tracker.apply(code, text);
    this.hooks.sent(text, context);
    this.commandSent.fire({ command: text, code, fromJob: context.fromJob, ...effects });
    if (context.fromJob) this.jobs.lineSent();
  }

  private response(line: string): void {
    // a bare "ok" (nearly every line) carries nothing the parsers below look for
    if (line === 'ok') return this.jobs.response(line);
    const heaters = parseTemperatures(line);
    if (heaters) this.updateTemperatures(heaters);
    const position = parsePosition(line);
    if (position) this.positionUpdate.fire(this.withHostState(position));
    const action = parseHostAction(line);
    if (action) return this.onAction(action);
    const error = parseError(line);
    if (error && !error.transmission) {
      const dialect = this.protocol?.dialect;
      if (!dialect?.commandErrors?.test(error.message)) return this.fail(`printer error: ${error.message}`);
      this.log.warn({ error: error.message, firmware: dialect.id }, 'the printer refused a command and carries on');
    }
    this.jobs.response(line);
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

  // ---- job (job-control.ts) -------------------------------------------------------------------

  selectFile(file: JobFile, printAfterSelect = false): Promise<void> {
    return this.jobs.select(file, printAfterSelect);
  }

  deselectFile(): void {
    this.jobs.deselect();
  }

  startPrint(): Promise<void> {
    return this.jobs.start();
  }

  pausePrint(): Promise<void> {
    return this.jobs.pause();
  }

  resumePrint(): Promise<void> {
    return this.jobs.resume();
  }

  cancelPrint(): Promise<void> {
    return this.jobs.cancel();
  }

  restartPrint(): Promise<void> {
    return this.jobs.restart();
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
    connected: () => isOperational(this.machine.state.id),
    busy: (action) => {
      if (this.transfers > 0) return `cannot ${action}: a file is being written to the SD card`;
      return this.machine.is('OPERATIONAL') ? null : `cannot ${action}: the printer is busy (${this.machine.state.text})`;
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
