/**
 * The contribution point behind `@HookType()` (declared in api.ts): a plugin class carrying it is
 * registered as an event-hook type (`type: <name>` in `events.subscriptions`) while the plugin runs.
 */
import type { ContributionPoint } from '../plugins/contributions.js';
import type { HookType, HookTypeRegistry } from './api.js';

export function hookTypeContributionPoint(registry: HookTypeRegistry): ContributionPoint {
  return { kind: 'hook-type', contribute: (instance, plugin) => registry.register(instance as HookType, { owner: plugin.id }) };
}
