/** What the configured event hooks need from the catalogue: every enabled `events.subscriptions` entry needs its event fired. */
import type { EventDemand, EventDependents } from '../events/event-dependents.js';
import type { SettingsService } from '../settings/settings-service.js';
import { eventHooksSettings } from './settings.js';

export function subscriptionDemands(settings: SettingsService): EventDependents {
  return {
    eventDemands(): EventDemand[] {
      const { enabled, subscriptions } = settings.of(eventHooksSettings).get();
      if (!enabled) return [];
      return subscriptions.flatMap((entry, index) => {
        const raw = entry as { event?: unknown; enabled?: unknown } | null;
        if (!raw || typeof raw.event !== 'string' || raw.enabled === false) return [];
        return [{ dependent: `events.subscriptions[${index}] (${raw.event})`, event: raw.event }];
      });
    },
  };
}
