/**
 * Event hooks' settings (`events.enabled`, `events.subscriptions`, `events.commandTimeout`: the
 * spec's names, beside the bus's own `events.*`), contributed by eventHooksModule.
 */
import { PRINTER_ID_PATTERN } from '../common/printer-id.js';
import { defineSettings } from '../settings/settings-section.js';

export interface SubscriptionConfig {
  event: string;
  command: string | string[];
  type: string;
  enabled?: boolean;
  [option: string]: unknown;
}

/** What is wrong with an entry's `printers` (undefined when it is absent or a list of printer ids). */
export function checkPrintersFilter(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0) return 'printers must be a non-empty list of printer ids';
  const bad = value.find((id) => typeof id !== 'string' || !PRINTER_ID_PATTERN.test(id));
  return bad === undefined ? undefined : `printers: ${JSON.stringify(bad)} is not a printer id (${PRINTER_ID_PATTERN.source})`;
}

/** The list as a whole: every entry's `printers` filter well-formed (the rest is checked entry by entry when loaded). */
function checkSubscriptions(value: unknown): void {
  if (!Array.isArray(value)) throw new Error('must be a list of subscriptions');
  value.forEach((entry, index) => {
    const problem = entry !== null && typeof entry === 'object' ? checkPrintersFilter((entry as SubscriptionConfig).printers) : undefined;
    if (problem) throw new Error(`entry [${index}] ${problem}`);
  });
}

export const eventHooksSettings = defineSettings('events', {
  enabled: { doc: 'Run event hooks (subscriptions) at all.', format: Boolean, default: true },
  subscriptions: {
    doc:
      'Event hooks: a list of { event, command, type, enabled } as in the spec, checked entry by entry at start-up. ' +
      'Optional per entry: debug, filter (payload key: value or list of values), throttle, debounce and timeout (ms), ' +
      'shell (system type only), printers (a list of printer ids: only their events fire it; shared events never do), ' +
      'and options of other hook types.',
    format: checkSubscriptions,
    default: [] as SubscriptionConfig[],
  },
  commandTimeout: {
    doc: 'Milliseconds an event-hook command may run before it is killed (0: no limit); a subscription may set its own `timeout`.',
    format: 'nat',
    default: 60000,
  },
});
