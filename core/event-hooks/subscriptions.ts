/**
 * Reading `events.subscriptions`: each entry is checked on its own and either becomes a Subscription
 * (defaults applied) or a problem naming its index and the reason. One bad entry never costs the others.
 */
import { checkPrintersFilter, type SubscriptionConfig } from './settings.js';
import type { HookType, Subscription, SubscriptionProblem } from './api.js';

export interface LoadContext {
  /** true for an event some loaded plugin (or the core catalogue) declares */
  isKnownEvent(name: string): boolean;
  hookType(name: string): HookType | undefined;
  hookTypeNames(): string[];
  /** `events.commandTimeout` */
  defaultTimeout: number;
}

export interface LoadedSubscriptions {
  subscriptions: Subscription[];
  problems: SubscriptionProblem[];
}

const DURATIONS = ['timeout', 'throttle', 'debounce'] as const;
const FLAGS = ['enabled', 'debug'] as const;

export function loadSubscriptions(entries: readonly unknown[], context: LoadContext): LoadedSubscriptions {
  const result: LoadedSubscriptions = { subscriptions: [], problems: [] };
  entries.forEach((entry, index) => {
    const loaded = loadOne(entry, index, context);
    if (typeof loaded === 'string') result.problems.push({ index, reason: loaded });
    else result.subscriptions.push(loaded);
  });
  return result;
}

function loadOne(entry: unknown, index: number, context: LoadContext): Subscription | string {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return 'an entry must be a mapping with event, command and type';
  const raw = entry as SubscriptionConfig;
  if (typeof raw.event !== 'string' || raw.event === '') return 'missing event';
  if (raw.command === undefined || raw.command === null) return 'missing command';
  const commands = typeof raw.command === 'string' ? [raw.command] : raw.command;
  if (!Array.isArray(commands) || commands.length === 0 || !commands.every((c) => typeof c === 'string' && c.trim() !== '')) {
    return 'command must be a non-empty string or a non-empty list of non-empty strings';
  }
  if (typeof raw.type !== 'string' || raw.type === '') return `missing type (one of: ${context.hookTypeNames().join(', ')})`;
  const type = context.hookType(raw.type);
  if (!type) return `unknown type "${raw.type}" (known: ${context.hookTypeNames().join(', ') || 'none'})`;
  if (!context.isKnownEvent(raw.event)) return `unknown event "${raw.event}": no loaded plugin declares it`;
  for (const flag of FLAGS) {
    if (raw[flag] !== undefined && typeof raw[flag] !== 'boolean') return `${flag} must be true or false`;
  }
  for (const key of DURATIONS) {
    const value = raw[key];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 0)) {
      return `${key} must be a number of milliseconds (0 or more)`;
    }
  }
  if (raw.filter !== undefined && (raw.filter === null || typeof raw.filter !== 'object' || Array.isArray(raw.filter))) {
    return 'filter must be a mapping of payload keys to values';
  }
  const printersProblem = checkPrintersFilter(raw.printers);
  if (printersProblem) return printersProblem;
  const subscription: Subscription = {
    index,
    event: raw.event,
    type: raw.type,
    commands: commands as string[],
    enabled: raw.enabled !== false,
    debug: raw.debug === true,
    timeout: (raw.timeout as number | undefined) ?? context.defaultTimeout,
    throttle: (raw.throttle as number | undefined) ?? 0,
    debounce: (raw.debounce as number | undefined) ?? 0,
    filter: (raw.filter as Record<string, unknown> | undefined) ?? null,
    printers: printersFilter(raw.printers),
    options: raw,
    label: `events.subscriptions[${index}] (${raw.event} → ${raw.type})`,
  };
  let problems: string[];
  try {
    problems = type.validate?.(subscription) ?? [];
  } catch (err) {
    problems = [`the ${raw.type} type failed to check it: ${(err as Error).message}`];
  }
  return problems.length > 0 ? problems.join('; ') : subscription;
}

function printersFilter(value: unknown): string[] | null {
  return Array.isArray(value) ? [...new Set(value as string[])] : null;
}
