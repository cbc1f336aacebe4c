/**
 * Log levels per component, changeable while the host runs. A component is what a logger line names
 * as its writer: a core service (`service` in the line, e.g. `history`, `events`), a plugin (its id),
 * or `cuttle` for the host's own lines. Each has the level `logging.levels` gives it, else
 * `logging.level`. Loggers hold their component's entry and compare against its threshold on every
 * call (one property read), so a change reaches loggers made long before it, children included;
 * pino's own child loggers copy their level once, when made, and would miss it.
 */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** pino's numbers for its levels (a line carries them in `level`); silent is above all */
export const LEVEL_VALUES: Readonly<Record<LogLevel, number>> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };

/** The component of the lines the root logger writes (koa, auth, the host itself). */
export const ROOT_COMPONENT = 'cuttle';

/** What a logger reads on each call: the lowest level value its component writes. */
export interface LevelEntry {
  threshold: number;
}

export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && (LOG_LEVELS as readonly string[]).includes(value);
}

export class LogLevels {
  private fallback: LogLevel;
  private overrides = new Map<string, LogLevel>();
  private readonly entries = new Map<string, LevelEntry>();

  constructor(fallback: LogLevel, overrides: Readonly<Record<string, LogLevel>> = {}) {
    this.fallback = fallback;
    this.overrides = new Map(Object.entries(overrides));
    this.entry(ROOT_COMPONENT);
  }

  /** A component's entry, made (and the component known) on first use. */
  entry(component: string): LevelEntry {
    let entry = this.entries.get(component);
    if (!entry) {
      entry = { threshold: LEVEL_VALUES[this.levelOf(component)] };
      this.entries.set(component, entry);
    }
    return entry;
  }

  /** Every component a logger has been made for, sorted. */
  components(): string[] {
    return [...this.entries.keys()].sort();
  }

  has(component: string): boolean {
    return this.entries.has(component);
  }

  levelOf(component: string): LogLevel {
    return this.overrides.get(component) ?? this.fallback;
  }

  /** The default level and the components' own levels, as `logging.level` and `logging.levels` hold them. */
  get(): { level: LogLevel; levels: Record<string, LogLevel> } {
    return { level: this.fallback, levels: Object.fromEntries(this.overrides) };
  }

  /** Replaces the default level and every component's own level (what is not named goes back to the default). */
  apply(fallback: LogLevel, overrides: Readonly<Record<string, LogLevel>>): void {
    this.fallback = fallback;
    this.overrides = new Map(Object.entries(overrides));
    for (const [component, entry] of this.entries) entry.threshold = LEVEL_VALUES[this.levelOf(component)];
  }
}
