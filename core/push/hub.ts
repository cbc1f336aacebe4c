/**
 * The transport-independent push hub: a state feed per printer, one event stream, one set of
 * clients, each with its view (view.ts: the farm, or one printer). Transports (transports/*.ts) hand
 * it connections (transport.ts: the PushEndpoint and PushConnection they see); it builds each message once (`PushMessage` caches one frame per transport; a
 * printer's `current` and events come in an OctoPrint form and a farm form with `printer`) and drives
 * every client's queue, window, replay and `current` rate. Born here: the push messages; received
 * from: the EventBus, each printer's PrinterService (through its StateFeed, watched with
 * PrinterRegistry.forEach), SlicingService, plugins (through PushService) and other cluster nodes
 * (PushRelay).
 */
import { performance } from 'node:perf_hooks';
import { DisposableStore, type Disposable } from '../common/disposable.js';
import { Emitter, type Event } from '../common/event.js';
import type { AnyFiredEvent, EventBus } from '../events/event-bus.js';
import type { FileManager } from '../files/file-manager.js';
import { errorInfo, type Logger } from '../logging/logger.js';
import type { PrinterService } from '../printer/printer-service.js';
import type { PrinterRegistry } from '../printers/printer-registry.js';
import type { Principal } from '../http/http-server.js';
import type { PushSettings } from './settings.js';
import type { SlicingService } from '../slicing/slicing-service.js';
import { deliverAsOwner, ownedDeliveriesPending, type ListenerOwner } from '../common/listener-owner.js';
import { eventPrinter } from '../common/printer-id.js';
import type { JsonValue, PushClientInfo } from './api.js';
import { PushClient, type ClientLimits, type ClientStream, type EventMessages } from './client.js';
import { PushMessage, type PushLink } from './message.js';
import { StateFeed } from './state-feed.js';
import { acceptsName, parseSubscription, parseThrottle, SubscriptionError, type Subscription } from './subscription.js';
import type { PushConnection, PushEndpoint, PushRelay, RelayKind } from './transport.js';
import { FARM_VIEW, type PushView } from './view.js';

/** The `push.*` settings the hub works by (see settings.ts for their meaning). */
export type PushHubOptions = Omit<PushSettings, 'redis' | 'wireInternals'>;

/** What `connected` says about the server (besides the stream position). */
export interface ServerInfo {
  version: string;
  apiVersion: string;
  safeMode: boolean;
  plugins: { id: string; name: string; version: string }[];
  online: boolean | null;
}

export interface PushHubDeps {
  bus: EventBus;
  logger: Logger;
  options: PushHubOptions;
  serverInfo: () => ServerInfo;
  /** the printers whose state the hub feeds (each gets a StateFeed while it exists) */
  printers?: Pick<PrinterRegistry, 'forEach'>;
  slicing?: SlicingService;
  /** for the job's analysis (estimated time, filament) and print history */
  files?: FileManager;
  /** where catching-up clients read missed events; the bus's ring when absent (the event log reaches further back) */
  history?: Pick<EventBus, 'since'>;
}

/** Event messages kept pre-built for clients catching up (a power of two). */
const EVENT_CACHE = 1024;

/** Longest stretch of client writes in one turn of the event loop (see flushDirty). */
const FLUSH_SLICE_MS = 2;

export class PushHub implements PushEndpoint, Disposable {
  private readonly bus: EventBus;
  private readonly options: PushHubOptions;
  private readonly limits: ClientLimits;
  private readonly logger: Logger;
  private readonly clients = new Set<PushClient>();
  private readonly dirty = new Set<PushClient>();
  private readonly eventCache: (EventMessages | undefined)[] = new Array(EVENT_CACHE);
  /** one feed per printer, in the registry's order */
  private readonly feeds = new Map<string, StateFeed>();
  /** what a printer view shows while its printer does not exist (a host without printers) */
  private readonly offline: StateFeed;
  /** printer views of removed printers, closed once the hub has dispatched the events up to `afterSeq` */
  private closing: { afterSeq: number; clients: PushClient[] }[] = [];
  private tickId = 0;
  /** batched farm `currents` of the published tick `batchTick`, by range, form and printers (null: nothing changed) */
  private readonly batches = new Map<string, PushMessage | null>();
  private batchTick = -1;
  /** the last tick shown in `current` */
  private publishedTick = 0;
  /** captured ticks waiting until the hub has dispatched the events up to `seq` (see tick) */
  private sealing: { id: number; seq: number }[] = [];
  /** runs the tick's barrier behind the plugin listeners that turn printer signals into events */
  private readonly barrierOwner: ListenerOwner = { id: 'push', report: (err) => this.logger.error(errorInfo(err), 'push tick failed') };
  private disposed = false;
  private readonly subscriptions = new DisposableStore();
  private readonly opened = new Emitter<PushClientInfo>();
  private readonly closedEmitter = new Emitter<PushClientInfo>();
  private flushScheduled = false;
  private ticker: NodeJS.Timeout | undefined;
  private hubSeq: number;
  private relay: PushRelay | undefined;

  readonly onClientOpened: Event<PushClientInfo> = this.opened.event;
  readonly onClientClosed: Event<PushClientInfo> = this.closedEmitter.event;

  constructor(private readonly deps: PushHubDeps) {
    this.bus = deps.bus;
    this.options = deps.options;
    const { sendWindow, clientQueueLimit, replayBatch } = deps.options;
    this.limits = { sendWindow, clientQueueLimit, replayBatch };
    this.logger = deps.logger;
    this.offline = new StateFeed('', undefined, deps.options.logLines);
    this.hubSeq = deps.bus.lastSeq;
    if (deps.printers) this.subscriptions.add(deps.printers.forEach((scope) => this.addPrinter(scope.id, scope.printer, () => scope.entry.name)));
    this.subscriptions.add(deps.bus.onAny((event) => this.dispatchEvent(event), { owner: 'push' }));
    if (deps.slicing) {
      this.subscriptions.add(
        deps.slicing.onProgress((p) =>
          // OctoPrint's slicingProgress keys
          this.broadcastSlicingProgress(
            { slicer: p.slicer, source_location: p.stl_location, source_path: p.stl, dest_location: p.gcode_location, dest_path: p.gcode, progress: p.progress },
            true,
          ),
        ),
      );
    }
  }

  /** the hub's last tick shown in `current` (every feed's ticks are numbered by it) */
  get latestTick(): number {
    return this.publishedTick;
  }

  /** the printers fed, in order */
  get printerIds(): string[] {
    return [...this.feeds.keys()];
  }

  /** A printer's feed; the offline stand-in when it does not exist. */
  private feedOf(printer: string): StateFeed {
    return this.feeds.get(printer) ?? this.offline;
  }

  /** The feeds a client's `current` and `history` come from. */
  private feedsFor(client: PushClient): StateFeed[] {
    const view = client.view;
    if (view.kind === 'printer') return [this.feedOf(view.printer)];
    const wanted = client.subscription.printers;
    const feeds: StateFeed[] = [];
    for (const feed of this.feeds.values()) if (acceptsName(wanted, feed.id)) feeds.push(feed);
    return feeds;
  }

  get clientCount(): number {
    let n = 0;
    for (const client of this.clients) if (client.authenticated) n++;
    return n;
  }

  setRelay(relay: PushRelay | undefined): void {
    this.relay = relay;
  }

  /** A transport opened a connection with its view: `connected` goes out at once; nothing else before `authenticate`. */
  connect<F>(link: PushLink<F>, view: PushView = FARM_VIEW): PushConnection {
    const client = new PushClient<F>(this.stream, this.limits, link, view);
    this.clients.add(client as PushClient);
    const info = this.deps.serverInfo();
    client.sendNow(
      new PushMessage('connected', {
        version: info.version,
        display_version: info.version,
        apiVersion: info.apiVersion,
        branch: null,
        safe_mode: info.safeMode,
        debug: false,
        online: info.online,
        plugins: info.plugins,
        permissions: [],
        lastSeq: this.hubSeq,
        ...(this.relay ? { node: this.relay.nodeId } : {}),
      }),
    );
    this.opened.fire(client.info);
    return this.connectionOf(client as PushClient);
  }

  /** The handle a transport drives a client through. */
  private connectionOf(client: PushClient): PushConnection {
    return {
      info: client.info,
      get authenticated() {
        return client.authenticated;
      },
      get principal() {
        return client.principal;
      },
      authenticate: (principal, lastSeq) => {
        if (client.authenticated) client.principal = principal;
        else this.authenticate(client, principal, lastSeq);
      },
      deauthenticate: (reason) => {
        client.principal = null;
        client.sendNow(new PushMessage('reauthRequired', { reason }));
      },
      receive: (type, data) => this.handleClientMessage(client, type, data),
      closed: () => this.disconnect(client),
    };
  }

  /** What each client is driven by: the hub's stream, seen through the narrow ClientStream. */
  private readonly stream: ClientStream = {
    seq: () => this.hubSeq,
    since: (seq) => (this.deps.history ?? this.bus).since(seq),
    messagesOf: (event) => this.eventMessages(event),
    current: (client, afterTick) => {
      const { logs, messages } = client.subscription;
      const keyed = client.view.kind === 'farm';
      if (client.view.kind === 'farm' && client.view.batched) return { tick: this.publishedTick, messages: this.batchedCurrent(client, afterTick) };
      return { tick: this.publishedTick, messages: this.feedsFor(client).map((feed) => feed.current(afterTick, logs, messages, keyed)) };
    },
    scheduleFlush: (client) => this.scheduleFlush(client),
    overflowed: (client, seq) =>
      this.logger.debug({ client: client.info.id, after: seq }, 'push client too slow for the stream: catching up from the event history'),
  };

  /**
   * Starts the stream: `history` (a printer view: its printer's; the farm view: one per printer, each
   * with `printer`), then events live (or replayed after `lastSeq`) and `current` by rate.
   */
  private authenticate(client: PushClient, principal: Principal, lastSeq?: number): void {
    if (client.isClosed) return;
    const resuming = lastSeq !== undefined && Number.isFinite(lastSeq);
    const recent = resuming ? undefined : this.bus.since(Math.max(0, this.hubSeq - this.options.historyEvents)).events.filter((e) => e.seq <= this.hubSeq);
    for (const feed of this.feedsFor(client)) client.sendNow(this.historyMessage(client, feed, recent));
    client.start(principal, this.hubSeq, this.publishedTick, resuming ? lastSeq : undefined);
    this.ensureTicker();
  }

  /**
   * A client message (`subscribe`, `throttle`): applied, or logged and ignored when bad; the farm
   * view (cuttle's own protocol) is also told why in an `error` message. A `subscribe` naming a
   * printer that does not exist is refused as a whole (the previous subscription stays).
   */
  private handleClientMessage(client: PushClient, type: string, data: unknown): void {
    try {
      if (type === 'subscribe') this.subscribe(client, this.checkedSubscription(client, data));
      else if (type === 'throttle') client.throttle = parseThrottle(data);
      else throw new SubscriptionError(`unknown message "${type}"`);
    } catch (err) {
      if (!(err instanceof SubscriptionError)) throw err;
      this.logger.warn({ client: client.info.id, type, problem: err.message }, 'ignored a bad push client message');
      if (client.view.kind === 'farm') client.sendNow(new PushMessage('error', { request: type, error: err.message }));
    }
  }

  private disconnect(client: PushClient): void {
    if (!this.clients.delete(client)) return;
    client.markClosed();
    this.dirty.delete(client);
    this.closedEmitter.fire(client.info);
    if (this.clientCount === 0) this.stopTicker();
  }

  sendPluginMessage(plugin: string, data: JsonValue): void {
    this.broadcastPlugin({ plugin, data }, true);
  }

  /** What another cluster node broadcast: delivered to this node's clients only. */
  receiveRemote(kind: RelayKind, data: object): void {
    if (kind === 'event') {
      // relayed in the farm form: `printer` on the message for a printer's event
      const { printer, ...plain } = data as { type?: string; printer?: unknown };
      const keyed = new PushMessage('event', data);
      const scoped = typeof printer === 'string' ? printer : undefined;
      let octoprint: PushMessage | undefined;
      for (const client of this.clients) {
        if (!client.accepts(plain.type ?? '', scoped)) continue;
        client.offerOther(client.view.kind === 'farm' || scoped === undefined ? keyed : (octoprint ??= new PushMessage('event', plain)));
      }
    } else if (kind === 'plugin') this.broadcastPlugin(data as { plugin: string; data: JsonValue }, false);
    else this.broadcastSlicingProgress(data, false);
  }

  /** The shared, pre-built `event` messages for a bus event (OctoPrint's form, and the farm's with `printer`, the same object for a shared event). */
  private eventMessages(event: AnyFiredEvent): EventMessages {
    const slot = event.seq & (EVENT_CACHE - 1);
    const cached = this.eventCache[slot];
    if (cached && cached.seq === event.seq) return cached;
    const data = this.relay ? { ...eventData(event), node: this.relay.nodeId } : eventData(event);
    const printer = eventPrinter(event.payload);
    const plain = new PushMessage('event', data, event.seq);
    const keyed = printer === undefined ? plain : new PushMessage('event', { ...data, printer }, event.seq);
    const messages = { seq: event.seq, printer, plain, keyed };
    this.eventCache[slot] = messages;
    return messages;
  }

  private scheduleFlush(client: PushClient): void {
    this.dirty.add(client);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flushDirty);
    }
  }

  /**
   * Closes every feed's tick (the ticker's turn; tests call it directly). The tick is shown (its
   * `current` offered to the clients) once the events of the changes its snapshot holds are out: a
   * printer's change becomes an event through a plugin listener (all of them deliver from one FIFO
   * queue, core/common/listener-owner.ts) and then the bus. A delivery queued behind those listeners
   * reads the bus's last seq once they have fired, and the tick waits until the hub has dispatched
   * up to it; each client then writes the events up to that seq before the `current` (client.ts).
   * So PrintStarted goes out before the first `current` saying Printing, wherever the client is.
   */
  tick(): number {
    const id = ++this.tickId;
    for (const feed of this.feeds.values()) feed.capture(id);
    this.offline.capture(id);
    // nothing on its way to the bus, and the bus's every event dispatched: the tick can show at once
    if (!ownedDeliveriesPending() && this.hubSeq >= this.bus.lastSeq) this.seal(id, this.hubSeq);
    else deliverAsOwner(this.barrierOwner, () => this.seal(id, this.bus.lastSeq), undefined);
    return id;
  }

  private seal(id: number, seq: number): void {
    if (this.disposed) return;
    this.sealing.push({ id, seq });
    this.publishSealed();
  }

  /** Shows the ticks whose events are dispatched, and offers their `current` to the clients. */
  private publishSealed(): void {
    let sealed: { id: number; seq: number } | undefined;
    while (this.sealing.length > 0 && this.sealing[0]!.seq <= this.hubSeq) sealed = this.sealing.shift();
    if (!sealed) return;
    for (const feed of this.feeds.values()) feed.publish(sealed.id);
    this.offline.publish(sealed.id);
    this.publishedTick = sealed.id;
    for (const client of this.clients) client.offerTick(sealed.id, sealed.seq);
  }

  dispose(): void {
    this.disposed = true;
    this.stopTicker();
    this.subscriptions.dispose();
    this.closing = [];
    this.sealing = [];
    for (const client of [...this.clients]) client.link.close('server shutting down');
    this.opened.dispose();
    this.closedEmitter.dispose();
  }

  private dispatchEvent(event: AnyFiredEvent): void {
    if (event.seq <= this.hubSeq) return;
    this.hubSeq = event.seq;
    const messages = this.eventMessages(event);
    for (const client of this.clients) client.offerEvent(event, messages);
    this.relay?.publish('event', messages.keyed.data);
    if (this.sealing.length > 0) this.publishSealed();
    if (this.closing.length > 0) this.closeRemovedViews();
  }

  /**
   * A batched farm client's `current`s since `afterTick`: one `currents` message with the keyed
   * `current` of each of its printers that changed, none when nothing did. Built once per tick for
   * every client with the same range, printers and form.
   */
  private batchedCurrent(client: PushClient, afterTick: number): PushMessage[] {
    if (this.batchTick !== this.publishedTick) {
      this.batches.clear();
      this.batchTick = this.publishedTick;
    }
    const { logs, messages, printers } = client.subscription;
    const key = `${afterTick}:${logs ? 1 : 0}${messages ? 1 : 0}:${printers === true ? '*' : [...printers].join(',')}`;
    let batch = this.batches.get(key);
    if (batch === undefined) {
      const changed = this.feedsFor(client).filter((feed) => feed.changedSince(afterTick));
      batch = changed.length === 0 ? null : new PushMessage('currents', { printers: changed.map((feed) => feed.current(afterTick, logs, messages, true).data) });
      this.batches.set(key, batch);
    }
    return batch ? [batch] : [];
  }

  /** A printer appeared: its feed, and its `history` to the farm clients that want it. Returns what removes it. */
  private addPrinter(id: string, printer: PrinterService, name: () => string): Disposable {
    const feed = new StateFeed(id, printer, this.options.logLines, this.deps.files, name);
    this.feeds.set(id, feed);
    for (const client of this.clients) {
      if (client.authenticated && client.view.kind === 'farm' && acceptsName(client.subscription.printers, id)) client.sendNow(this.historyMessage(client, feed, []));
    }
    // holds the feed (and through it the printer) only until it ran: whoever keeps this Disposable
    // after the printer is gone must not keep the printer's services alive
    let held: StateFeed | undefined = feed;
    return {
      dispose: () => {
        if (held) this.removePrinter(id, held);
        held = undefined;
      },
    };
  }

  /**
   * A printer is gone (its job ended, it is disconnected): its feed goes, and its printer views are
   * closed once the events it fired on the way out (PrintFailed, Disconnected) have been dispatched.
   */
  private removePrinter(id: string, feed: StateFeed): void {
    if (this.feeds.get(id) === feed) this.feeds.delete(id);
    feed.dispose();
    if (this.disposed) return;
    const clients = [...this.clients].filter((c) => c.view.kind === 'printer' && c.view.printer === id);
    if (clients.length === 0) return;
    this.closing.push({ afterSeq: this.bus.lastSeq, clients });
    this.closeRemovedViews();
  }

  private closeRemovedViews(): void {
    const due = this.closing.filter((c) => c.afterSeq <= this.hubSeq);
    if (due.length === 0) return;
    this.closing = this.closing.filter((c) => c.afterSeq > this.hubSeq);
    for (const { clients } of due) {
      for (const client of clients) {
        if (client.isClosed) continue;
        client.flush();
        client.link.close('printer removed');
      }
    }
  }

  /** Applies a subscription; a farm client that now wants more printers gets their `history` first. */
  private subscribe(client: PushClient, subscription: Subscription): void {
    const before = client.view.kind === 'farm' && client.authenticated ? new Set(this.feedsFor(client)) : undefined;
    client.subscription = subscription;
    if (!before) return;
    for (const feed of this.feedsFor(client)) if (!before.has(feed)) client.sendNow(this.historyMessage(client, feed, []));
  }

  private checkedSubscription(client: PushClient, data: unknown): Subscription {
    const subscription = parseSubscription(data);
    if (client.view.kind === 'farm' && subscription.printers !== true) {
      const unknown = [...subscription.printers].filter((id) => !this.feeds.has(id));
      if (unknown.length > 0) throw new SubscriptionError(`subscribe.printers names no printer ${unknown.map((id) => JSON.stringify(id.slice(0, 64))).join(', ')}`);
    }
    return subscription;
  }

  /** `history` of one printer for one client, with the recent events its view shows (none when resuming). */
  private historyMessage(client: PushClient, feed: StateFeed, recent: readonly AnyFiredEvent[] | undefined): PushMessage {
    const farm = client.view.kind === 'farm';
    const events: object[] = [];
    for (const event of recent ?? []) {
      const printer = eventPrinter(event.payload);
      if (printer === undefined) events.push(eventData(event));
      else if (printer === feed.id) events.push(farm ? { ...eventData(event), printer } : eventData(event));
    }
    return new PushMessage('history', { ...feed.history(farm), ...(recent ? { events } : {}), lastSeq: this.hubSeq });
  }

  private broadcastPlugin(payload: { plugin: string; data: JsonValue }, relay: boolean): void {
    const message = new PushMessage('plugin', payload);
    for (const client of this.clients) if (acceptsName(client.subscription.plugins, payload.plugin)) client.offerOther(message);
    if (relay) this.relay?.publish('plugin', payload);
  }

  private broadcastSlicingProgress(payload: object, relay: boolean): void {
    const message = new PushMessage('slicingProgress', payload);
    for (const client of this.clients) client.offerOther(message);
    if (relay) this.relay?.publish('slicingProgress', payload);
  }

  /**
   * Writes to the clients that have something due, a slice of at most FLUSH_SLICE_MS at a time:
   * five hundred clients written in one go would hold the event loop for tens of milliseconds,
   * while a printer waits for its next line. The rest go on in the next turn, after I/O.
   */
  private readonly flushDirty = (): void => {
    this.flushScheduled = false;
    const started = performance.now();
    for (const client of this.dirty) {
      this.dirty.delete(client);
      try {
        client.flush();
      } catch (err) {
        this.logger.error({ client: client.info.id, ...errorInfo(err) }, 'push client write failed; closing it');
        client.link.close('write failed');
      }
      if (this.dirty.size > 0 && performance.now() - started > FLUSH_SLICE_MS) {
        this.flushScheduled = true;
        setImmediate(this.flushDirty);
        return;
      }
    }
  };

  private ensureTicker(): void {
    if (this.ticker || this.options.rateHz <= 0) return;
    this.ticker = setInterval(() => this.tick(), 1000 / this.options.rateHz);
    this.ticker.unref();
  }

  private stopTicker(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
  }
}

/** `event` data: OctoPrint's `{type, payload}` plus cuttle's `seq` and `time`. */
export function eventData(event: AnyFiredEvent): { type: string; payload: object; seq: number; time: string } {
  return { type: event.name, payload: event.payload, seq: event.seq, time: event.time };
}
