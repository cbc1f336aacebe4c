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

/** What a gcode hook handler is told about the command besides its text. */
export interface GcodeHookContext {
  /** true for lines of the file being printed, false for commands from the API, plugins or the host */
  fromJob: boolean;
  /** the G/M/T code in upper case ("G1", "M104", "T1"), or null */
  code: string | null;
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
    'gcode.received': (line: string) => string | null | undefined;
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
  constructor(
    private readonly registry: HookRegistry,
    private readonly log: Logger,
  ) {
    for (const [point, doc] of Object.entries(GCODE_HOOK_DOCS)) registry.declarePoint(point, doc);
  }

  /** Commands that `command` becomes after every `gcode.queuing` handler. */
  queuing(command: string, context: GcodeHookContext): string[] {
    const handlers = this.registry.handlers('gcode.queuing');
    if (handlers.length === 0) return [command];
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
  sending(command: string, context: GcodeHookContext): string | null {
    let current = command;
    for (const { handler, owner } of this.registry.handlers('gcode.sending')) {
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

  sent(command: string, context: GcodeHookContext): void {
    for (const { handler, owner } of this.registry.handlers('gcode.sent')) {
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
    for (const { handler, owner } of this.registry.handlers('gcode.received')) {
      try {
        const result = handler(current);
        if (result === null) return null;
        if (typeof result === 'string') current = result;
      } catch (err) {
        this.failed('gcode.received', owner, err);
      }
    }
    return current;
  }

  private failed(point: string, owner: string, err: unknown): void {
    this.log.error({ ...errorInfo(err), hook: point, owner }, `hook handler of ${owner} for ${point} threw; skipped`);
  }
}
