/**
 * Structured logging (pino). The root logger is bound in the container under `Logger`; every plugin
 * gets a child carrying its id, so a line in the log always says who wrote it. On a terminal the
 * lines are pretty-printed (pino-pretty, in-process and synchronous, so nothing is lost at exit);
 * piped or into a file they stay one JSON object per line, for machines.
 */
import pino from 'pino';
import pinoPretty from 'pino-pretty';
import type { RotatingFile } from './rotating-file.js';

/** The part of pino's logger that cuttle code and plugins use. */
export interface Logger {
  trace(obj: object | string, msg?: string): void;
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  fatal(obj: object | string, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
  level: string;
}
export const Logger = Symbol.for('cuttle.Logger');

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface LoggerOptions {
  level: LogLevel;
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
  return pino({ level: options.level, base: { name: 'cuttle' } }, destination as pino.DestinationStream);
}

/** Serialises an unknown thrown value for a log line without losing the stack. */
export function errorInfo(err: unknown): { err: { message: string; stack?: string } } {
  if (err instanceof Error) return { err: { message: err.message, stack: err.stack } };
  return { err: { message: String(err) } };
}
