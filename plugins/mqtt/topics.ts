/**
 * Where the MQTT plugin publishes: everything of one host under `<base>/<hostId>/`, so hosts sharing
 * a broker never write each other's topics, and one subscriber to `<base>/#` sees the whole farm.
 */

/** A topic level from a free-form name: MQTT's separators and wildcards (/, +, #) become `_`. */
export function topicLevel(name: string): string {
  const level = name.replace(/[/+#\s\u0000]/g, '_');
  return level === '' ? '_' : level;
}

/** The topic level of events that belong to no printer. */
export const SHARED_LEVEL = '_host';

export class Topics {
  readonly root: string;

  constructor(baseTopic: string, hostId: string) {
    this.root = `${baseTopic.split('/').filter(Boolean).map(topicLevel).join('/')}/${topicLevel(hostId)}`;
  }

  /** retained `online` / `offline` (the last will) */
  get status(): string {
    return `${this.root}/status`;
  }

  printer(printer: string): string {
    return `${this.root}/${topicLevel(printer)}`;
  }

  /**
   * A printer's events under its level; shared events (files, slicing, settings, server), which
   * concern no one printer, under `_host`, a level no printer id can take (ids start with a-z or 0-9).
   */
  event(printer: string | undefined, name: string): string {
    return `${printer === undefined ? `${this.root}/${SHARED_LEVEL}` : this.printer(printer)}/event/${topicLevel(name)}`;
  }

  state(printer: string): string {
    return `${this.printer(printer)}/state`;
  }

  progress(printer: string): string {
    return `${this.printer(printer)}/progress`;
  }

  job(printer: string): string {
    return `${this.printer(printer)}/job`;
  }

  temperature(printer: string, heater: string): string {
    return `${this.printer(printer)}/temperature/${topicLevel(heater)}`;
  }

  command(printer: string, command: string): string {
    return `${this.printer(printer)}/command/${command}`;
  }

  /** what became of each command received (accepted, refused and why) */
  commandResult(printer: string): string {
    return `${this.printer(printer)}/command/result`;
  }

  /** the filter the plugin subscribes to for commands on every printer */
  get commandFilter(): string {
    return `${this.root}/+/command/+`;
  }
}
