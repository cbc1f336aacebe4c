/**
 * What the push hub replays from: the bus's in-memory ring while it still holds what a client
 * missed, else the durable log (after a restart, or a client away longer than the ring lasts).
 * The log then reports `gap` only for what retention dropped.
 */
import type { EventBus, HistorySlice } from '../events/event-bus.js';
import type { EventLog } from './api.js';
import { MAX_PAGE } from './api.js';

export class LogBackedHistory implements Pick<EventBus, 'since'> {
  constructor(
    private readonly bus: EventBus,
    private readonly log: EventLog,
  ) {}

  since(afterSeq: number): HistorySlice {
    const ring = this.bus.since(afterSeq);
    if (!ring.gap) return ring;
    const page = this.log.read({ since: afterSeq, limit: MAX_PAGE });
    // the log lags the bus by up to a batch; when it has nothing newer, the ring is the best answer
    if (page.events.length === 0) return ring;
    return { events: page.events.map((e) => ({ name: e.type, payload: e.payload, seq: e.seq, time: e.time })), gap: page.gap };
  }
}
