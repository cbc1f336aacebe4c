/**
 * Catalogue events are a guarantee of the core: each is fired by the host or by a bundled category
 * plugin (`firedBy` in the catalogue). Whatever needs an event says so through this contribution
 * point (Theia's pattern: bound to a symbol, collected by the host), and the host refuses to start
 * when `plugins.disabled` lists the plugin that fires it, naming the dependent.
 */
import { EVENT_CATALOGUE, isCoreEvent } from './catalogue.js';

/** One need: `dependent` (shown to the user, e.g. "events.subscriptions[2]") needs `event` to be fired. */
export interface EventDemand {
  dependent: string;
  event: string;
}

export interface EventDependents {
  eventDemands(): readonly EventDemand[];
}
export const EventDependents = Symbol.for('cuttle.EventDependents');

/** The problems of disabling `disabled`: one line per disabled firer that something needs, empty when none. */
export function disabledFirerProblems(disabled: readonly string[], demands: readonly EventDemand[]): string[] {
  const needs = new Map<string, Map<string, Set<string>>>();
  for (const { dependent, event } of demands) {
    if (!isCoreEvent(event)) continue;
    const firer = EVENT_CATALOGUE[event].firedBy;
    if (!disabled.includes(firer)) continue;
    const byDependent = needs.get(firer) ?? new Map<string, Set<string>>();
    needs.set(firer, byDependent);
    byDependent.set(dependent, (byDependent.get(dependent) ?? new Set()).add(event));
  }
  return [...needs].map(([firer, byDependent]) => {
    const who = [...byDependent].map(([dependent, events]) => `${dependent} needs ${[...events].join(', ')}`);
    return `"${firer}" fires events that ${who.join('; ')}: remove it from plugins.disabled or remove the dependent`;
  });
}
