/**
 * The printer's hook points (OctoPrint's `octoprint.comm.protocol.gcode.*`), declared by augmenting
 * `HookPoints`, and the runner that chains registered handlers, isolating one that throws.
 *
 * All four run synchronously on the communication path: a handler must be quick (work that takes
 * time belongs in an event subscriber, which runs off this path). The host's own queries (M115,
 * M114 for positions, M27, M105 polls, M155) skip `gcode.queuing`, so that no plugin can break the
 * host's bookkeeping, but pass `gcode.sending` and `gcode.sent` like every command. SD upload data
 * lines pass no hook: they are file content, not commands.
 */
import type { HookRegistry } from '../hooks/hook-points.js';
import { errorInfo, type Logger } from '../logging/logger.js';

/** What the printer's send path knows about a command besides its text. */
export interface CommandContext {
  /** true for lines of the file being printed, false for commands from the API, plugins or the host */
  fromJob: boolean;
  /** the G/M/T code in upper case ("G1", "M104", "T1"), or null */
  code: string | null;
}

/** What a gcode hook handler is told about the command besides its text: the above, and whose printer it is for. */
export interface GcodeHookContext extends CommandContext {
  /** the printer's id (`default` for a host of one printer): one handler serves every printer of a farm */
  printer: string;
}

/** What a `gcode.received` handler is told besides the line. */
export interface GcodeReceivedContext {
  /** the id of the printer that sent the line */
  printer: string;
}

/**
 * Return value of a `gcode.queuing` handler: `undefined` keeps the command, a string replaces it,
 * an array expands it into several commands (each then seen by the next handlers), `null` or `[]` drops it.
 */
export type GcodeRewrite = string | readonly string[] | null | undefined;

declare module '../hooks/hook-points.js' {
  interface HookPoints {
    /** A command is about to enter the send queue: rewrite, expand or drop it. */
    'gcode.queuing': (command: string, context: GcodeHookContext) => GcodeRewrite;
    /** A command is about to be written to the printer: rewrite it (string) or drop it (null). */
    'gcode.sending': (command: string, context: GcodeHookContext) => string | null | undefined;
    /** A command has been written to the printer. */
    'gcode.sent': (command: string, context: GcodeHookContext) => void;
    /** A line arrived from the printer: return a replacement line, or null to ignore it. */
    'gcode.received': (line: string, context: GcodeReceivedContext) => string | null | undefined;
  }
}

export const GCODE_HOOK_DOCS: Record<'gcode.queuing' | 'gcode.sending' | 'gcode.sent' | 'gcode.received', string> = {
  'gcode.queuing': 'A command is about to be queued for the printer: return a replacement, several commands, or null to drop it.',
  'gcode.sending': 'A command is about to be written to the printer: return a replacement or null to drop it.',
  'gcode.sent': 'A command has been written to the printer.',
  'gcode.received': 'A line arrived from the printer: return a replacement or null to ignore it.',
};

/** Runs the gcode hook handlers of a HookRegistry in order; a throwing handler is logged with its owner and skipped. */
export class GcodeHooks {
  private readonly received_: GcodeReceivedContext;

  constructor(
    private readonly registry: HookRegistry,
    private readonly log: Logger,
    private readonly printer: string,
  ) {
    for (const [point, doc] of Object.entries(GCODE_HOOK_DOCS)) registry.declarePoint(point, doc);
    this.received_ = { printer };
  }

  /** Commands that `command` becomes after every `gcode.queuing` handler. */
  queuing(command: string, commandContext: CommandContext): string[] {
    const handlers = this.registry.handlers('gcode.queuing', this.printer);
    if (handlers.length === 0) return [command];
    const context = this.forHandlers(commandContext);
    let commands = [command];
    for (const { handler, owner } of handlers) {
      const next: string[] = [];
      for (const current of commands) {
        let result: GcodeRewrite;
        try {
          result = handler(current, context);
        } catch (err) {
          this.failed('gcode.queuing', owner, err);
          result = undefined;
        }
        if (result === undefined) next.push(current);
        else if (typeof result === 'string') next.push(result);
        else if (result !== null) next.push(...result);
      }
      commands = next;
    }
    return commands;
  }

  /** The command to write, or null when a handler dropped it. */
  sending(command: string, commandContext: CommandContext): string | null {
    const handlers = this.registry.handlers('gcode.sending', this.printer);
    if (handlers.length === 0) return command;
    const context = this.forHandlers(commandContext);
    let current = command;
    for (const { handler, owner } of handlers) {
      try {
        const result = handler(current, context);
        if (result === null) return null;
        if (typeof result === 'string') current = result;
      } catch (err) {
        this.failed('gcode.sending', owner, err);
      }
    }
    return current;
  }

  sent(command: string, commandContext: CommandContext): void {
    const handlers = this.registry.handlers('gcode.sent', this.printer);
    if (handlers.length === 0) return;
    const context = this.forHandlers(commandContext);
    for (const { handler, owner } of handlers) {
      try {
        handler(command, context);
      } catch (err) {
        this.failed('gcode.sent', owner, err);
      }
    }
  }

  /** The line to process, or null when a handler said to ignore it. */
  received(line: string): string | null {
    let current = line;
    for (const { handler, owner } of this.registry.handlers('gcode.received', this.printer)) {
      try {
        const result = handler(current, this.received_);
        if (result === null) return null;
        if (typeof result === 'string') current = result;
      } catch (err) {
        this.failed('gcode.received', owner, err);
      }
    }
    return current;
  }

  /** A fresh object per command: a handler may keep or change what it is given without touching the next one's. */
  private forHandlers(context: CommandContext): GcodeHookContext {
    return { fromJob: context.fromJob, code: context.code, printer: this.printer };
  }

  private failed(point: string, owner: string, err: unknown): void {
    this.log.error({ ...errorInfo(err), hook: point, owner }, `hook handler of ${owner} for ${point} threw; skipped`);
  }
}
