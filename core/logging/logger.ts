/**
 * Structured logging (pino). The root logger is bound in the container under `Logger`; every service
 * and plugin gets a child carrying its name (`service`) or id (`plugin`), so a line in the log always
 * says who wrote it, and that name is the component whose level `logging.levels` sets, at run time
 * too (./log-levels.ts). On a terminal the lines are pretty-printed (pino-pretty, in-process and
 * synchronous, so nothing is lost at exit); piped or into a file they stay one JSON object per line.
 */
import pino from 'pino';
import pinoPretty from 'pino-pretty';
import { LEVEL_VALUES, LogLevels, ROOT_COMPONENT, type LevelEntry, type LogLevel } from './log-levels.js';
import type { RotatingFile } from './rotating-file.js';

export type { LogLevel } from './log-levels.js';

/** The part of pino's logger that cuttle code and plugins use. */
export interface Logger {
  trace(obj: object | string, msg?: string): void;
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  fatal(obj: object | string, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
  /** the level of this logger's component (read only: components' levels are set through LogLevels) */
  readonly level: string;
}
export const Logger = Symbol.for('cuttle.Logger');

export interface LoggerOptions {
  level: LogLevel;
  /** the components' levels, changeable later; a table of `level` alone when absent */
  levels?: LogLevels;
  /** the log file (rotated, reopened on SIGHUP); stdout when absent */
  file?: RotatingFile;
  /** a stream to write to instead (tests capture lines this way) */
  stream?: NodeJS.WritableStream;
  /** human-readable lines instead of JSON; default: when writing to stdout and stdout is a terminal */
  pretty?: boolean;
}

export function createLogger(options: LoggerOptions): Logger {
  const pretty = options.pretty ?? (!options.stream && !options.file && process.stdout.isTTY === true);
  const destination = pretty
    ? pinoPretty({ destination: options.stream ?? 1, sync: true, colorize: !options.stream && process.stdout.hasColors?.() === true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,name', singleLine: true })
    : (options.stream ?? (options.file ?? pino.destination(1)));
  // pino passes every line; ComponentLogger decides by the component's level, which can change
  const root = pino({ level: 'trace', base: { name: 'cuttle' } }, destination as pino.DestinationStream);
  const levels = options.levels ?? new LogLevels(options.level);
  return new ComponentLogger(root, ROOT_COMPONENT, levels);
}

/** The component a child's bindings name: a service's name or a plugin's id; none keeps the parent's. */
function componentOf(bindings: Record<string, unknown>): string | undefined {
  const named = bindings['plugin'] ?? bindings['service'];
  return typeof named === 'string' && named !== '' ? named : undefined;
}

class ComponentLogger implements Logger {
  private readonly entry: LevelEntry;

  constructor(
    private readonly pino: pino.Logger,
    private readonly component: string,
    private readonly levels: LogLevels,
  ) {
    this.entry = levels.entry(component);
  }

  get level(): string {
    return this.levels.levelOf(this.component);
  }

  trace(obj: object | string, msg?: string): void {
    this.write('trace', obj, msg);
  }
  debug(obj: object | string, msg?: string): void {
    this.write('debug', obj, msg);
  }
  info(obj: object | string, msg?: string): void {
    this.write('info', obj, msg);
  }
  warn(obj: object | string, msg?: string): void {
    this.write('warn', obj, msg);
  }
  error(obj: object | string, msg?: string): void {
    this.write('error', obj, msg);
  }
  fatal(obj: object | string, msg?: string): void {
    this.write('fatal', obj, msg);
  }

  child(bindings: Record<string, unknown>): Logger {
    return new ComponentLogger(this.pino.child(bindings), componentOf(bindings) ?? this.component, this.levels);
  }

  private write(level: Exclude<LogLevel, 'silent'>, obj: object | string, msg: string | undefined): void {
    if (LEVEL_VALUES[level] < this.entry.threshold) return;
    if (msg === undefined) this.pino[level](obj as object);
    else this.pino[level](obj as object, msg);
  }
}

/** Serialises an unknown thrown value for a log line without losing the stack. */
export function errorInfo(err: unknown): { err: { message: string; stack?: string } } {
  if (err instanceof Error) return { err: { message: err.message, stack: err.stack } };
  return { err: { message: String(err) } };
}
