/**
 * The print job's life: selecting a file, starting, feeding its lines to the protocol (through the
 * `gcode.queuing` hook), progress, pause/resume/cancel/restart with M114 positions, finishing, and
 * the SD-card variant (M23/M24/M25/M26, M27 progress polling, "Done printing file"). The printer
 * service owns the connection and hands this class what it needs through `JobHost`.
 */
import fs from 'node:fs/promises';
import { Emitter } from '../common/event.js';
import type { Position, StorageOrigin } from '../events/catalogue.js';
import { errorInfo, type Logger } from '../logging/logger.js';
import type { CommandContext, GcodeHooks } from './hooks.js';
import { FileLineSource, PrintJob } from './job.js';
import type { JobFile, JobProgress, PrintEnd, SentCommand } from './printer-service.js';
import { commandCode } from './protocol/gcode.js';
import type { GcodeProtocol, OutgoingCommand } from './protocol/protocol.js';
import { parsePosition } from './protocol/responses.js';
import { parseSdStatus, type SdCardClient } from './sd-card.js';
import { SdReplay } from './sd-replay.js';
import { PrinterStateError, type PrinterStateMachine } from './state.js';

const NO_PROGRESS: JobProgress = { completion: null, filepos: null, linesSent: 0, printTime: null, printTimeLeft: null };

export const hostContext = (command: string): CommandContext => ({ fromJob: false, code: commandCode(command) });

/** What the job needs from the printer service. */
export interface JobHost {
  readonly machine: PrinterStateMachine;
  readonly hooks: GcodeHooks;
  readonly sd: SdCardClient;
  readonly log: Logger;
  /** the live protocol; throws "cannot <action>: the printer is …" when not connected */
  requireProtocol(action: string): GcodeProtocol;
  currentProtocol(): GcodeProtocol | null;
  /** a file is being written to the SD card */
  transferring(): boolean;
  /** adds the tool and feedrate the host tracks to a reported position */
  withHostState(position: { x: number; y: number; z: number; e: number }): Position;
  fail(message: string): void;
  /** a timer to clear when the connection ends */
  addTimer(timer: NodeJS.Timeout): void;
  sdStatusIntervalMs(): number;
  /** a listener of one of the job's signals threw */
  listenerFailed(err: unknown): void;
}

export type PrintEnded = { file: JobFile; end: PrintEnd; time: number; reason?: string; position?: Position | null };

export class JobControl {
  private selected: JobFile | null = null;
  private job: PrintJob | null = null;
  /** a start is opening its file (start() between its checks and the job's creation) */
  private starting = false;
  /** expansions of a job line by `gcode.queuing` still to send */
  private pending: OutgoingCommand[] = [];
  private lastPercent = -1;
  private finishing = false;
  /** commands of the running SD print, read from its local copy as the printer gets to them */
  private sdReplay: SdReplay | null = null;

  private readonly fileSelected = this.emitter<JobFile>();
  private readonly fileDeselected = this.emitter<void>();
  private readonly printStarted = this.emitter<JobFile>();
  private readonly printPaused = this.emitter<{ file: JobFile; position: Position | null }>();
  private readonly printResumed = this.emitter<JobFile>();
  private readonly printEnded = this.emitter<PrintEnded>();
  private readonly progressed = this.emitter<{ file: JobFile; progress: JobProgress }>();
  private readonly sdCommand = this.emitter<SentCommand>();
  readonly onFileSelected = this.fileSelected.event;
  readonly onFileDeselected = this.fileDeselected.event;
  readonly onPrintStarted = this.printStarted.event;
  readonly onPrintPaused = this.printPaused.event;
  readonly onPrintResumed = this.printResumed.event;
  readonly onPrintEnded = this.printEnded.event;
  readonly onProgress = this.progressed.event;
  readonly onSdCommand = this.sdCommand.event;

  constructor(private readonly host: JobHost) {}

  private emitter<T>(): Emitter<T> {
    return new Emitter<T>((err) => this.host.listenerFailed(err));
  }

  private get machine(): PrinterStateMachine {
    return this.host.machine;
  }

  get file(): JobFile | null {
    return this.selected;
  }

  progress(): JobProgress {
    return this.job?.progress() ?? NO_PROGRESS;
  }

  isBusyWith(origin: StorageOrigin, path: string): boolean {
    return this.machine.jobActive && this.job?.file.origin === origin && this.job.file.path === path;
  }

  /** The connection ended: expansions waiting for it are gone. */
  connectionClosed(): void {
    this.pending = [];
  }

  /** The next line of the running local job for the protocol, or null when there is none now. */
  nextCommand(): OutgoingCommand | null {
    if (!this.machine.is('PRINTING') || this.job?.source == null) return null;
    if (this.pending.length) return this.pending.shift()!;
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
      const context: CommandContext = { fromJob: true, code: commandCode(next.command) };
      const commands = this.host.hooks.queuing(next.command, context);
      // the line as the file has it (no handler changed it): nothing more to build
      if (commands.length === 1 && commands[0] === next.command) return { command: next.command, context };
      if (commands.length === 0) continue;
      const [first, ...rest] = commands.map((command) => ({
        command,
        context: command === next.command ? context : { fromJob: true, code: commandCode(command) },
      }));
      this.pending.push(...rest);
      return first!;
    }
  }

  /** A line from the printer that concerns the job ("Done printing file" of an SD print). */
  response(line: string): void {
    if (!line.startsWith('Done printing file') || this.job?.file.origin !== 'sdcard' || !this.machine.is('PRINTING')) return;
    const job = this.job;
    this.machine.to('FINISHING');
    void (this.sdReplay?.advance(null) ?? Promise.resolve()).then(() => {
      if (this.job === job && this.machine.is('FINISHING')) this.end('done');
    });
  }

  /**
   * A line of the local job was written: progress is reported on each whole percent from here,
   * after the write, not while the next line is being fetched (its listeners write to the database).
   */
  lineSent(): void {
    if (this.job?.source != null) this.reportProgress(this.job);
  }

  private reportProgress(job: PrintJob): void {
    // runs for every line: the progress (an object, the clock read) is made only for a new percent
    const percent = Math.floor(job.completion() ?? 0);
    if (percent === this.lastPercent) return;
    this.lastPercent = percent;
    this.progressed.fire({ file: job.file, progress: job.progress() });
  }

  private finishWhenDrained(): void {
    if (this.finishing) return;
    this.finishing = true;
    this.machine.to('FINISHING');
    void this.host.currentProtocol()?.whenIdle().then(() => {
      if (this.machine.is('FINISHING')) this.end('done');
    });
  }

  /** Ends the job and, when still connected, returns to Operational after the event. */
  end(end: PrintEnd, extra: { reason?: string; position?: Position | null } = {}): void {
    const job = this.job;
    if (!job) return;
    void job.source?.close();
    job.source = null;
    job.stop();
    this.finishing = false;
    this.pending = [];
    this.sdReplay = null;
    this.printEnded.fire({ file: job.file, end, time: job.elapsed, ...extra });
    if (this.machine.is('FINISHING', 'CANCELLING', 'PRINTING', 'PAUSED', 'PAUSING', 'RESUMING')) this.machine.to('OPERATIONAL');
  }

  async select(file: JobFile, printAfterSelect = false): Promise<void> {
    this.refuseWhileActive('cannot select a file while a print is running');
    let size = file.size;
    if (file.origin === 'local') {
      if (!file.diskPath) throw new Error(`local file ${file.path} has no diskPath`);
      size = (await fs.stat(file.diskPath)).size;
    } else {
      this.host.requireProtocol('select an SD file');
      size = (await this.host.sd.select(file.path)).size ?? size;
    }
    // again after the wait: a print another call started meanwhile keeps its file and its job
    this.refuseWhileActive('cannot select a file while a print is running');
    this.selected = { ...file, size };
    this.job = null;
    this.fileSelected.fire(this.selected);
    if (printAfterSelect) await this.start();
  }

  /** a print running, or one starting (its file being opened) */
  private refuseWhileActive(message: string): void {
    if (this.machine.jobActive || this.starting) throw new PrinterStateError(message);
  }

  deselect(): void {
    this.refuseWhileActive('cannot deselect the file while a print is running');
    if (!this.selected) return;
    this.selected = null;
    this.job = null;
    this.fileDeselected.fire();
  }

  async start(): Promise<void> {
    const protocol = this.host.requireProtocol('start a print');
    if (this.starting) throw new PrinterStateError('cannot start a print: one is starting');
    if (!this.machine.is('OPERATIONAL')) throw new PrinterStateError(`cannot start a print: the printer is ${this.machine.state.text.toLowerCase()}`);
    if (this.host.transferring()) throw new PrinterStateError('cannot start a print while a file is being written to the SD card');
    const file = this.selected;
    if (!file) throw new PrinterStateError('cannot start a print: no file is selected');
    // claimed before the file is opened: two starts that overlapped (a double click) each passed the checks
    // and started the print, leaving a history row that never ended and a file handle open
    this.starting = true;
    let source: FileLineSource | null;
    try {
      source = file.origin === 'local' ? await this.openSource(file) : null;
    } finally {
      this.starting = false;
    }
    if (!this.machine.is('OPERATIONAL')) {
      await source?.close();
      throw new PrinterStateError(`cannot start a print: the printer is ${this.machine.state.text.toLowerCase()}`);
    }
    this.job = new PrintJob(file, source);
    this.lastPercent = -1;
    this.finishing = false;
    this.pending = [];
    this.printStarted.fire(file);
    this.machine.to('PRINTING');
    if (file.origin === 'sdcard') {
      const copy = file.diskPath ?? this.host.sd.localCopy(file.path);
      this.sdReplay = copy
        ? new SdReplay(copy, file.size, (command) => this.sdCommand.fire(command), (err) => this.host.log.warn(errorInfo(err), 'cannot follow the SD print in its local copy'))
        : null;
      await protocol.request('M24', hostContext('M24'));
      this.pollSdProgress(protocol);
    }
    protocol.pump();
  }

  private openSource(file: JobFile): Promise<FileLineSource> {
    return FileLineSource.open(
      file.diskPath!,
      () => this.host.currentProtocol()?.pump(),
      (err) => this.host.fail(`cannot read ${file.path}: ${err.message}`),
    );
  }

  private pollSdProgress(protocol: GcodeProtocol): void {
    const timer = setInterval(() => {
      if (this.host.currentProtocol() !== protocol || !this.machine.is('PRINTING') || this.job?.file.origin !== 'sdcard') return;
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
    }, this.host.sdStatusIntervalMs());
    timer.unref();
    this.host.addTimer(timer);
  }

  async pause(): Promise<void> {
    const protocol = this.host.requireProtocol('pause');
    if (!this.machine.is('PRINTING') || !this.job) throw new PrinterStateError('cannot pause: no print is running');
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

  async resume(): Promise<void> {
    const protocol = this.host.requireProtocol('resume');
    if (!this.machine.is('PAUSED') || !this.job) throw new PrinterStateError('cannot resume: the print is not paused');
    const job = this.job;
    this.machine.to('RESUMING');
    job.resume();
    await this.forSdJob(protocol, job, 'M24');
    if (!this.machine.is('RESUMING')) return;
    this.machine.to('PRINTING');
    this.printResumed.fire(job.file);
    protocol.pump();
  }

  async cancel(): Promise<void> {
    const protocol = this.host.requireProtocol('cancel');
    if (!this.machine.is('PRINTING', 'PAUSING', 'PAUSED', 'RESUMING') || !this.job) throw new PrinterStateError('cannot cancel: no print is running');
    const job = this.job;
    this.machine.to('CANCELLING');
    this.pending = [];
    await this.forSdJob(protocol, job, 'M25', 'M26 S0');
    await protocol.whenIdle();
    const position = await this.queryPosition(protocol);
    if (!this.machine.is('CANCELLING') || this.job !== job) return;
    this.end('cancelled', { position });
  }

  async restart(): Promise<void> {
    if (this.machine.is('OPERATIONAL')) return this.start();
    const protocol = this.host.requireProtocol('restart');
    const job = this.job;
    if (!this.machine.is('PAUSED') || !job) throw new PrinterStateError('cannot restart: the print is neither paused nor finished');
    await job.source?.close();
    job.source = job.file.origin === 'local' ? await this.openSource(job.file) : null;
    await this.forSdJob(protocol, job, 'M26 S0');
    job.restartClock();
    this.lastPercent = -1;
    this.pending = [];
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
      return reported ? this.host.withHostState(reported) : null;
    } catch {
      return null;
    }
  }
}
