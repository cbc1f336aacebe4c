/**
 * Logging what an unauthenticated client sent (a refused push login, a garbled frame): anyone who
 * can reach the port controls that text and how often it comes, so each string is cut to a few
 * dozen characters and the lines are limited per time window. Without this, 50 SockJS frames of
 * `{"auth": "<65 000 characters>"}` wrote 3.2 MB of log. Lines over the limit are counted and said
 * once, in the first line of the next window.
 */
import type { Logger } from './logger.js';

export interface UntrustedLogOptions {
  /** longest string value kept, in characters */
  maxChars?: number;
  /** lines written per window; the rest are counted */
  linesPerWindow?: number;
  windowMs?: number;
  now?: () => number;
}

type Level = 'debug' | 'info' | 'warn';

export class UntrustedLog {
  private readonly maxChars: number;
  private readonly linesPerWindow: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  private windowStart = -Infinity;
  private written = 0;
  private suppressed = 0;

  constructor(
    private readonly logger: Logger,
    options: UntrustedLogOptions = {},
  ) {
    this.maxChars = options.maxChars ?? 80;
    this.linesPerWindow = options.linesPerWindow ?? 20;
    this.windowMs = options.windowMs ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  debug(fields: Record<string, unknown>, msg: string): void {
    this.write('debug', fields, msg);
  }

  info(fields: Record<string, unknown>, msg: string): void {
    this.write('info', fields, msg);
  }

  warn(fields: Record<string, unknown>, msg: string): void {
    this.write('warn', fields, msg);
  }

  private write(level: Level, fields: Record<string, unknown>, msg: string): void {
    const now = this.now();
    if (now - this.windowStart >= this.windowMs) {
      if (this.suppressed > 0) this.logger.warn({ suppressed: this.suppressed }, `${this.suppressed} more log lines about unauthenticated clients were left out`);
      this.windowStart = now;
      this.written = 0;
      this.suppressed = 0;
    }
    if (this.written >= this.linesPerWindow) {
      this.suppressed++;
      return;
    }
    this.written++;
    this.logger[level](this.capped(fields), msg);
  }

  private capped(fields: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(fields)) out[key] = typeof value === 'string' ? this.cut(value) : value;
    return out;
  }

  private cut(text: string): string {
    return text.length <= this.maxChars ? text : `${text.slice(0, this.maxChars)}…(${text.length - this.maxChars} more characters)`;
  }
}
