/**
 * Structured logging (pino). The root logger is bound in the container under `Logger`; every plugin
 * gets a child carrying its id, so a line in the log always says who wrote it.
 */
import pino from 'pino';

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
  /** a file to append to; stdout when absent */
  file?: string;
  /** a stream to write to instead (tests capture lines this way) */
  stream?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const destination = options.stream ?? (options.file ? pino.destination({ dest: options.file, mkdir: true, sync: false }) : pino.destination(1));
  return pino({ level: options.level, base: { name: 'cuttle' } }, destination as pino.DestinationStream);
}

/** Serialises an unknown thrown value for a log line without losing the stack. */
export function errorInfo(err: unknown): { err: { message: string; stack?: string } } {
  if (err instanceof Error) return { err: { message: err.message, stack: err.stack } };
  return { err: { message: String(err) } };
}
