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
import type { AnyFiredEvent } from '../events/event-bus.js';
import type { Principal } from '../server/http-server.js';
import type { PushClientInfo } from './api.js';
import { acceptsName, EVERYTHING, type Subscription } from './subscription.js';
import type { PushHub } from './hub.js';
import { PushMessage, type PushLink } from './transport.js';
import { eventPrinter } from '../common/printer-id.js';
import type { PushView } from './view.js';

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
  private closed = false;

  constructor(
    private readonly hub: PushHub,
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
  offerEvent(event: AnyFiredEvent, printer: string | undefined, messages: { plain: PushMessage; keyed: PushMessage }): void {
    if (!this.authenticated || this.catchingUp || event.seq <= this.cursor) return;
    if (event.seq > this.cursor + 1) {
      // the hub missed events (bus subscriber overflow): read them from the history instead
      this.catchingUp = true;
      this.hub.scheduleFlush(this);
      return;
    }
    this.cursor = event.seq;
    if (!this.accepts(event.name, printer)) return;
    this.events.push(this.view.kind === 'farm' ? messages.keyed : messages.plain);
    if (this.events.length > this.hub.options.clientQueueLimit) {
      // too slow for the stream: drop the queue, resume from the history once the socket drains
      this.events.clear();
      this.cursor = this.written;
      this.catchingUp = true;
      this.hub.noteOverflow(this, this.written);
    }
    this.hub.scheduleFlush(this);
  }

  /** plugin / slicingProgress / remote events: queued with a bound; overflow is reported in a `gap`. */
  offerOther(message: PushMessage): void {
    if (!this.authenticated) return;
    this.others.push(message);
    if (this.others.length > this.hub.options.clientQueueLimit) {
      this.others.shift();
      this.droppedOthers++;
    }
    this.hub.scheduleFlush(this);
  }

  /** The hub's tick: `current` becomes due every `throttle` ticks when state is subscribed. */
  offerTick(tick: number): void {
    if (!this.authenticated || !this.subscription.state) return;
    if (tick - this.lastCurrentTick >= this.throttle) {
      this.currentDue = true;
      this.hub.scheduleFlush(this);
    }
  }

  /** Writes as much as the send window allows, in one transport call. */
  flush(): void {
    if (!this.authenticated) return;
    const room = this.hub.options.sendWindow - this.inFlight;
    if (room <= 0) return;
    const encoder = this.link.encoder;
    const frames: F[] = [];
    let lastSeq = this.written;
    if (this.currentDue) {
      const { logs, messages } = this.subscription;
      const keyed = this.view.kind === 'farm';
      for (const feed of this.hub.feedsFor(this)) frames.push(feed.current(this.lastCurrentTick, logs, messages, keyed).frameFor(encoder));
      this.lastCurrentTick = this.hub.latestTick;
      this.currentDue = false;
    }
    if (this.droppedOthers > 0) {
      frames.push(new PushMessage('gap', { from: null, to: null, droppedMessages: this.droppedOthers }).frameFor(encoder));
      this.droppedOthers = 0;
    }
    for (let m = this.others.shift(); m; m = frames.length < room ? this.others.shift() : undefined) frames.push(m.frameFor(encoder));
    while (frames.length < room) {
      let message = this.events.shift();
      if (!message && this.catchingUp) {
        this.catchUp();
        message = this.events.shift();
      }
      if (!message) break;
      if (message.seq !== undefined) lastSeq = message.seq;
      frames.push(message.frameFor(encoder));
    }
    if (frames.length === 0) return;
    this.written = lastSeq;
    this.inFlight += frames.length;
    this.link.write(frames, this.onFlushed(frames.length));
  }

  /** Reads the next batch after `cursor` from the event history (bus ring, then the durable log) into the queue (with `gap` when gone). */
  private catchUp(): void {
    const upTo = this.hub.seq;
    const slice = this.hub.history.since(this.cursor);
    if (slice.gap) {
      const firstKept = slice.events[0]?.seq ?? upTo + 1;
      const to = Math.min(firstKept - 1, upTo);
      if (to > this.cursor) this.events.push(new PushMessage('gap', { from: this.cursor + 1, to }, to));
      this.cursor = Math.max(this.cursor, to);
    }
    let queued = 0;
    for (const event of slice.events) {
      if (event.seq > upTo || queued >= this.hub.options.replayBatch) break;
      if (event.seq <= this.cursor) continue;
      this.cursor = event.seq;
      const printer = eventPrinter(event.payload);
      if (!this.accepts(event.name, printer)) continue;
      const messages = this.hub.eventMessages(event);
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
