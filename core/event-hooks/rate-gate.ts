/**
 * Throttle and debounce for one subscription, for events that come fast (ZChange, PositionUpdate):
 * debounce waits until the event has been quiet for `debounce` ms and then runs once with the last
 * event; throttle then lets at most one run through per `throttle` ms and drops the rest.
 */
import type { AnyFiredEvent } from '../events/event-bus.js';

export class RateGate {
  private lastRun = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private latest: AnyFiredEvent | undefined;

  constructor(
    private readonly throttle: number,
    private readonly debounce: number,
    private readonly run: (event: AnyFiredEvent) => void,
    private readonly dropped: (event: AnyFiredEvent, why: 'throttle') => void,
  ) {}

  offer(event: AnyFiredEvent): void {
    if (this.debounce <= 0) return this.pass(event);
    this.latest = event;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const last = this.latest!;
      this.latest = undefined;
      this.pass(last);
    }, this.debounce);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.latest = undefined;
  }

  private pass(event: AnyFiredEvent): void {
    const now = performance.now();
    if (this.throttle > 0 && now - this.lastRun < this.throttle) return this.dropped(event, 'throttle');
    this.lastRun = now;
    this.run(event);
  }
}
