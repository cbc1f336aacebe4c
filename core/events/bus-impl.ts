/**
 * The asynchronous event bus. Each subscriber has its own FIFO queue, so:
 *  - `fire` only appends and schedules; no handler runs on the caller's stack;
 *  - a subscriber sees events in firing order, one at a time (an async handler is awaited);
 *  - a slow subscriber delays only its own queue; a throwing one is logged with its owner.
 * A bounded ring of recent events backs replay after a push client reconnects.
 */
import { Disposable } from '../common/disposable.js';
import { currentOwner, ownedDeliveriesIdle, ownedDeliveriesPending } from '../common/listener-owner.js';
import { errorInfo, type Logger } from '../logging/logger.js';
import { CORE_EVENT_NAMES, customEventName, isCoreEvent, type EventName, type EventPayload, type FiredPayload } from './catalogue.js';
import type {
  AnyEventHandler,
  AnyFiredEvent,
  EventBus,
  EventHandler,
  FiredEvent,
  HistorySlice,
  SubscribeOptions,
} from './event-bus.js';

export interface EventBusOptions {
  /** events kept for replay */
  historySize: number;
  /** events a subscriber may have waiting; past it the oldest are dropped and a warning logged */
  queueLimit: number;
  /** where seq numbers come from when they must outlive the process (the event log's reservation) */
  seq?: SeqSource;
}

/** Seq numbers reserved ahead on disk, so no seq is handed out twice across restarts. */
export interface SeqSource {
  /** the first seq this process may use */
  readonly first: number;
  /** Reserves a block starting at `next` before it is used; returns the last seq now reserved. */
  reserve(next: number): number;
}

/** Sync deliveries a subscriber makes in one turn before yielding to I/O. */
const BATCH = 512;

class Subscriber {
  private queue: AnyFiredEvent[] = [];
  private head = 0;
  private running = false;
  private dropped = 0;
  active = true;

  constructor(
    readonly accepts: (name: string) => boolean,
    private readonly handler: AnyEventHandler,
    readonly owner: string,
    private readonly bus: AsyncEventBus,
  ) {}

  get idle(): boolean {
    return !this.running && this.head >= this.queue.length;
  }

  push(event: AnyFiredEvent, limit: number): boolean {
    this.queue.push(event);
    if (this.queue.length - this.head > limit) {
      this.head++;
      this.dropped++;
    }
    return !this.running;
  }

  /** Delivers queued events; sync handlers back to back, async ones awaited in turn. */
  async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      let sinceYield = 0;
      while (this.active && this.head < this.queue.length) {
        if (this.dropped > 0) {
          this.bus.reportDropped(this.owner, this.dropped);
          this.dropped = 0;
        }
        const event = this.queue[this.head]!;
        this.queue[this.head++] = undefined as unknown as AnyFiredEvent;
        try {
          const result = this.handler(event);
          if (result !== null && typeof result === 'object' && typeof (result as Promise<unknown>).then === 'function') {
            await result;
            sinceYield = 0;
          } else if (++sinceYield >= BATCH) {
            sinceYield = 0;
            await new Promise<void>((resolve) => setImmediate(resolve));
          }
        } catch (err) {
          this.bus.reportFailure(this.owner, event, err);
        }
        if (this.head > 1024 && this.head * 2 > this.queue.length) {
          this.queue = this.queue.slice(this.head);
          this.head = 0;
        }
      }
    } finally {
      this.running = false;
      this.bus.subscriberIdle();
    }
  }
}

export class AsyncEventBus implements EventBus {
  private readonly subscribers = new Set<Subscriber>();
  private readonly custom = new Map<string, string>();
  private readonly ring: (AnyFiredEvent | undefined)[];
  private seq: number;
  private readonly firstSeq: number;
  private reservedUpTo: number;
  private readonly pending = new Set<Subscriber>();
  private flushScheduled = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly logger: Logger,
    private readonly options: EventBusOptions,
  ) {
    this.ring = new Array(Math.max(1, options.historySize));
    this.firstSeq = options.seq?.first ?? 1;
    this.seq = this.firstSeq - 1;
    this.reservedUpTo = options.seq ? this.seq : Number.POSITIVE_INFINITY;
  }

  get lastSeq(): number {
    return this.seq;
  }

  /** how many subscriptions the bus has (for leak checks) */
  get subscriberCount(): number {
    return this.subscribers.size;
  }

  fire<K extends EventName>(name: K, payload: FiredPayload<K>): FiredEvent<K> {
    return this.dispatch(name, payload as object) as unknown as FiredEvent<K>;
  }

  fireCustom(name: string, payload: object): AnyFiredEvent {
    if (!this.isKnown(name)) throw new Error(`unknown event "${name}": declare it with registerCustomEvent first`);
    return this.dispatch(name, payload);
  }

  on<K extends EventName>(name: K, handler: EventHandler<K>, options?: SubscribeOptions): Disposable {
    return this.subscribe(
      (n) => n === name,
      (event) => handler(event.payload as EventPayload<K>, event as unknown as FiredEvent<K>),
      options,
    );
  }

  onAny(handler: AnyEventHandler, options?: SubscribeOptions): Disposable {
    return this.subscribe(() => true, handler, options);
  }

  registerCustomEvent(pluginId: string, name: string, doc = ''): string {
    const full = customEventName(pluginId, name);
    if (isCoreEvent(full)) throw new Error(`custom event ${full} collides with a core event`);
    this.custom.set(full, doc);
    return full;
  }

  knownEvents(): string[] {
    return [...CORE_EVENT_NAMES, ...this.custom.keys()];
  }

  isKnown(name: string): boolean {
    return isCoreEvent(name) || this.custom.has(name);
  }

  since(afterSeq: number): HistorySlice {
    const size = this.ring.length;
    // nothing before this process's first seq is in the ring (an earlier process fired it)
    const oldest = Math.max(this.firstSeq, this.seq - size + 1);
    const gap = afterSeq + 1 < oldest;
    const events: AnyFiredEvent[] = [];
    for (let s = Math.max(afterSeq + 1, oldest); s <= this.seq; s++) {
      const event = this.ring[s % size];
      if (event) events.push(event);
    }
    return { events, gap };
  }

  /** Also waits for plugin listeners of service signals, whose deliveries usually fire events here. */
  async idle(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    do {
      if (!(await beforeDeadline(ownedDeliveriesIdle(), deadline))) return false;
      if (!(await this.busIdle(deadline - Date.now()))) return false;
    } while (ownedDeliveriesPending() || !this.allIdle());
    return true;
  }

  private busIdle(timeoutMs: number): Promise<boolean> {
    if (this.allIdle()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((w) => w !== done);
        resolve(false);
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.idleWaiters.push(done);
    });
  }

  /** @internal */
  reportFailure(owner: string, event: AnyFiredEvent, err: unknown): void {
    this.logger.error({ plugin: owner, event: event.name, seq: event.seq, ...errorInfo(err) }, `subscriber ${owner} failed on ${event.name}`);
  }

  /** @internal */
  reportDropped(owner: string, count: number): void {
    this.logger.warn({ plugin: owner, dropped: count }, `subscriber ${owner} is too slow: dropped its ${count} oldest queued events`);
  }

  /** @internal */
  subscriberIdle(): void {
    if (this.idleWaiters.length > 0 && this.allIdle()) {
      for (const waiter of this.idleWaiters.splice(0)) waiter();
    }
  }

  private allIdle(): boolean {
    if (this.pending.size > 0) return false;
    for (const subscriber of this.subscribers) if (!subscriber.idle) return false;
    return true;
  }

  private subscribe(accepts: (name: string) => boolean, handler: AnyEventHandler, options?: SubscribeOptions): Disposable {
    // a plugin subscribing from its own code owns the subscription even when it names no owner
    const subscriber = new Subscriber(accepts, handler, options?.owner ?? currentOwner()?.id ?? 'anonymous', this);
    this.subscribers.add(subscriber);
    return Disposable.create(() => {
      subscriber.active = false;
      this.subscribers.delete(subscriber);
      this.pending.delete(subscriber);
      this.subscriberIdle();
    });
  }

  private dispatch(name: string, payload: object): AnyFiredEvent {
    if (this.seq + 1 > this.reservedUpTo) this.reservedUpTo = this.options.seq!.reserve(this.seq + 1);
    const event: AnyFiredEvent = { name, payload, seq: ++this.seq, time: new Date().toISOString() };
    this.ring[event.seq % this.ring.length] = event;
    for (const subscriber of this.subscribers) {
      if (!subscriber.accepts(name)) continue;
      if (subscriber.push(event, this.options.queueLimit)) this.pending.add(subscriber);
    }
    if (this.pending.size > 0 && !this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flush);
    }
    return event;
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    const batch = [...this.pending];
    this.pending.clear();
    for (const subscriber of batch) void subscriber.run();
  };
}

/** True when `promise` settles before `deadline` (epoch ms). */
function beforeDeadline(promise: Promise<void>, deadline: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
    void promise.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
