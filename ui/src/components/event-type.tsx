/** An event's type as the logs show it: a plugin's event by its own name, the full type in the title. */
import { eventLabel } from '../lib/format.js';

export function EventType({ type }: { type: string }) {
  return (
    <span class="what" title={type}>
      {eventLabel(type)}
    </span>
  );
}
