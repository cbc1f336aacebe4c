/**
 * One push connection as the hub sees it, whatever its transport. It owns the client's position in
 * the event stream (`cursor`: every event up to it was queued or filtered out) and two modes:
 *  - live: the hub offers each event as it is dispatched; it is queued (shared, pre-encoded message);
 *  - catching up (after a resume with `lastSeq`, or when its queue overflowed): events are read from
 *    the bus history in batches as the transport drains, with an explicit `gap` for what is gone.
 * Writes are bounded by a send window, so a client that does not read never costs the others more
 * than its own queue; `current` waits while the window is full and is coalesced meanwhile.
 * Its view (view.ts) decides which printers' state and events it gets, and in which form.
 */
import { eventPrinter } from '../common/printer-id.js';
import type { AnyFiredEvent, HistorySlice } from '../events/event-bus.js';
import type { Principal } from '../http/http-server.js';
import type { PushClientInfo } from './api.js';
import { PushMessage, type PushLink } from './message.js';
import { acceptsName, EVERYTHING, type Subscription } from './subscription.js';
import type { PushView } from './view.js';

/** One event's shared messages: as OctoPrint sends it, and for the farm view (with `printer`). */
export interface EventMessages {
  seq: number;
  printer: string | undefined;
  plain: PushMessage;
  keyed: PushMessage;
}

/** A client's bounds (the `push.*` settings of the same names). */
export interface ClientLimits {
  /** frames in flight before writes wait for the socket to drain */
  sendWindow: number;
  /** events (and, apart, other messages) queued before the client catches up from the history instead */
  clientQueueLimit: number;
  /** events read from the history per catch-up step */
  replayBatch: number;
}

/** What a client needs from the hub that drives it (hub.ts implements it; a client never sees the hub). */
export interface ClientStream {
  /** seq of the last event dispatched live */
  seq(): number;
  /** the events after `seq` to catch up from (the bus ring, then the durable log) */
  since(seq: number): HistorySlice;
  /** the shared, pre-built messages of one event */
  messagesOf(event: AnyFiredEvent): EventMessages;
  /** `current` of every printer the client sees, covering the ticks after `afterTick`, and the tick they reach */
  current(client: PushClient, afterTick: number): { tick: number; messages: PushMessage[] };
  /** asks for the client's `flush()` on the next write turn */
  scheduleFlush(client: PushClient): void;
  /** a client's queue overflowed: it now catches up from the history after `seq` */
  overflowed(client: PushClient, seq: number): void;
}

/** A FIFO with O(1) shift. */
class Fifo<T> {
  private items: T[] = [];
  private head = 0;
  get length(): number {
    return this.items.length - this.head;
  }
  push(item: T): void {
    this.items.push(item);
  }
  peek(): T | undefined {
    return this.head < this.items.length ? this.items[this.head] : undefined;
  }
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined as T;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
  clear(): void {
    this.items = [];
    this.head = 0;
  }
}

let nextId = 0;

export class PushClient<F = unknown> {
  readonly info: PushClientInfo;
  principal: Principal | null = null;
  subscription: Subscription = EVERYTHING;
  throttle = 1;

  private readonly events = new Fifo<PushMessage>();
  /** non-event messages: plugin, slicingProgress, events of other cluster nodes */
  private readonly others = new Fifo<PushMessage>();
  private droppedOthers = 0;
  private cursor = 0;
  /** seq of the last event handed to the transport: where catching up restarts after an overflow */
  private written = 0;
  private catchingUp = false;
  private inFlight = 0;
  private lastCurrentTick = 0;
  private currentDue = false;
  /** the seq the latest published tick's `current` waits for: events up to it are written first */
  private shownSeq = 0;
  private closed = false;

  constructor(
    private readonly hub: ClientStream,
    private readonly limits: ClientLimits,
    readonly link: PushLink<F>,
    readonly view: PushView,
  ) {
    this.info = { id: `${link.encoder.id}-${++nextId}`, remoteAddress: link.remoteAddress, transport: link.encoder.id };
  }

  get authenticated(): boolean {
    return this.principal !== null && !this.closed;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Sends a message outside the stream order (connected, history); no window check. */
  sendNow(message: PushMessage): void {
    if (this.closed) return;
    this.inFlight++;
    this.link.write([message.frameFor(this.link.encoder)], this.onFlushed(1));
  }

  /** Starts the stream after authentication: live from now, or a replay after `lastSeq`. */
  start(principal: Principal, hubSeq: number, tick: number, lastSeq: number | undefined): void {
    this.principal = principal;
    this.lastCurrentTick = tick;
    if (lastSeq === undefined) {
      this.cursor = this.written = hubSeq;
    } else {
      // a seq from before a server restart means nothing now: replay all that is kept
      this.cursor = this.written = lastSeq > hubSeq ? 0 : Math.max(0, lastSeq);
      this.catchingUp = this.cursor < hubSeq;
    }
    this.hub.scheduleFlush(this);
  }

  /** Whether this client gets an event named `type` of `printer` (undefined: a shared event). */
  accepts(type: string, printer: string | undefined): boolean {
    if (!acceptsName(this.subscription.events, type)) return false;
    if (printer === undefined) return true;
    return this.view.kind === 'farm' ? acceptsName(this.subscription.printers, printer) : this.view.printer === printer;
  }

  /** The hub's live path: called for every event in seq order with its shared messages. */
  offerEvent(event: AnyFiredEvent, messages: EventMessages): void {
    if (!this.authenticated || this.catchingUp || event.seq <= this.cursor) return;
    if (event.seq > this.cursor + 1) {
      // the hub missed events (bus subscriber overflow): read them from the history instead
      this.catchingUp = true;
      this.hub.scheduleFlush(this);
      return;
    }
    this.cursor = event.seq;
    if (!this.accepts(event.name, messages.printer)) return;
    this.events.push(this.view.kind === 'farm' ? messages.keyed : messages.plain);
    if (this.events.length > this.limits.clientQueueLimit) {
      // too slow for the stream: drop the queue, resume from the history once the socket drains
      this.events.clear();
      this.cursor = this.written;
      this.catchingUp = true;
      this.hub.overflowed(this, this.written);
    }
    this.hub.scheduleFlush(this);
  }

  /** plugin / slicingProgress / remote events: queued with a bound; overflow is reported in a `gap`. */
  offerOther(message: PushMessage): void {
    if (!this.authenticated) return;
    this.others.push(message);
    if (this.others.length > this.limits.clientQueueLimit) {
      this.others.shift();
      this.droppedOthers++;
    }
    this.hub.scheduleFlush(this);
  }

  /**
   * The hub published `tick`, whose snapshot shows no change whose event is after `seq`: `current`
   * becomes due every `throttle` ticks when state is subscribed, and goes after the events up to `seq`.
   */
  offerTick(tick: number, seq: number): void {
    this.shownSeq = seq;
    if (!this.authenticated || !this.subscription.state) return;
    if (tick - this.lastCurrentTick >= this.throttle) {
      this.currentDue = true;
      this.hub.scheduleFlush(this);
    }
  }

  /** Writes as much as the send window allows, in one transport call. */
  flush(): void {
    if (!this.authenticated) return;
    const room = this.limits.sendWindow - this.inFlight;
    if (room <= 0) return;
    const encoder = this.link.encoder;
    const frames: F[] = [];
    let lastSeq = this.written;
    const take = (message: PushMessage) => {
      if (message.seq !== undefined) lastSeq = message.seq;
      frames.push(message.frameFor(encoder));
    };
    if (this.currentDue) {
      // the events of the changes this `current` shows go first (hub.ts, tick)
      for (let m = this.nextEvent(this.shownSeq); m; m = frames.length < room ? this.nextEvent(this.shownSeq) : undefined) take(m);
      if (this.cursor >= this.shownSeq && !this.eventQueuedUpTo(this.shownSeq)) {
        const current = this.hub.current(this, this.lastCurrentTick);
        for (const message of current.messages) frames.push(message.frameFor(encoder));
        this.lastCurrentTick = current.tick;
        this.currentDue = false;
      }
    }
    if (this.droppedOthers > 0) {
      frames.push(new PushMessage('gap', { from: null, to: null, droppedMessages: this.droppedOthers }).frameFor(encoder));
      this.droppedOthers = 0;
    }
    for (let m = this.others.shift(); m; m = frames.length < room ? this.others.shift() : undefined) frames.push(m.frameFor(encoder));
    for (let m = frames.length < room ? this.nextEvent(Infinity) : undefined; m; m = frames.length < room ? this.nextEvent(Infinity) : undefined) take(m);
    if (frames.length === 0) return;
    this.written = lastSeq;
    this.inFlight += frames.length;
    this.link.write(frames, this.onFlushed(frames.length));
  }

  /** The next queued event (read from the history while catching up) when its seq is at most `upTo`. */
  private nextEvent(upTo: number): PushMessage | undefined {
    if (this.events.length === 0 && this.catchingUp) this.catchUp();
    return this.eventQueuedUpTo(upTo) ? this.events.shift() : undefined;
  }

  private eventQueuedUpTo(seq: number): boolean {
    const head = this.events.peek();
    return head !== undefined && (head.seq ?? 0) <= seq;
  }

  /** Reads the next batch after `cursor` from the event history (bus ring, then the durable log) into the queue (with `gap` when gone). */
  private catchUp(): void {
    const upTo = this.hub.seq();
    const slice = this.hub.since(this.cursor);
    if (slice.gap) {
      const firstKept = slice.events[0]?.seq ?? upTo + 1;
      const to = Math.min(firstKept - 1, upTo);
      if (to > this.cursor) this.events.push(new PushMessage('gap', { from: this.cursor + 1, to }, to));
      this.cursor = Math.max(this.cursor, to);
    }
    let queued = 0;
    for (const event of slice.events) {
      if (event.seq > upTo || queued >= this.limits.replayBatch) break;
      if (event.seq <= this.cursor) continue;
      this.cursor = event.seq;
      const printer = eventPrinter(event.payload);
      if (!this.accepts(event.name, printer)) continue;
      const messages = this.hub.messagesOf(event);
      this.events.push(this.view.kind === 'farm' ? messages.keyed : messages.plain);
      queued++;
    }
    if (this.cursor >= upTo) this.catchingUp = false;
  }

  private onFlushed(count: number): () => void {
    return () => {
      this.inFlight -= count;
      if (!this.closed && (this.events.length > 0 || this.others.length > 0 || this.catchingUp || this.currentDue)) this.hub.scheduleFlush(this);
    };
  }

  /** Called by the transport once the connection is gone. */
  markClosed(): void {
    this.closed = true;
    this.events.clear();
    this.others.clear();
  }
}
