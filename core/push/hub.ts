/**
 * The transport-independent push hub: one state feed, one event stream, one set of clients.
 * Transports (transports/*.ts) hand it connections; it builds each message once (`PushMessage`
 * caches one frame per transport) and drives every client's queue, window, replay and `current`
 * rate. Born here: the push messages; received from: the EventBus, PrinterService (through
 * StateFeed), SlicingService, plugins (through PushService) and other cluster nodes (PushRelay).
 */
import { performance } from 'node:perf_hooks';
import { DisposableStore, type Disposable } from '../common/disposable.js';
import { Emitter, type Event } from '../common/event.js';
import type { AnyFiredEvent, EventBus } from '../events/event-bus.js';
import type { FileManager } from '../files/file-manager.js';
import { errorInfo, type Logger } from '../logging/logger.js';
import type { PrinterService } from '../printer/printer-service.js';
import type { Principal } from '../server/http-server.js';
import type { PushConfig } from '../settings/schema/push.js';
import type { SlicingService } from '../slicing/slicing-service.js';
import type { JsonValue, PushClientInfo } from './api.js';
import { PushClient } from './client.js';
import { StateFeed } from './state-feed.js';
import { acceptsName, parseSubscription, parseThrottle, SubscriptionError } from './subscription.js';
import { PushMessage, type PushLink } from './transport.js';

/** The `push.*` settings the hub works by (see core/settings/schema/push.ts for their meaning). */
export type PushHubOptions = Omit<PushConfig['push'], 'redis' | 'wireInternals'>;

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
  printer?: PrinterService;
  slicing?: SlicingService;
  /** for the job's analysis (estimated time, filament) and print history */
  files?: FileManager;
  /** where catching-up clients read missed events; the bus's ring when absent (the event log reaches further back) */
  history?: Pick<EventBus, 'since'>;
}

/** Broadcasts between cuttle processes (cluster.ts implements it over the socket.io redis adapter). */
export interface PushRelay {
  readonly nodeId: string;
  publish(kind: 'event' | 'plugin' | 'slicingProgress', data: object): void;
}

/** Event messages kept pre-built for clients catching up (a power of two). */
const EVENT_CACHE = 1024;
/** Longest stretch of client writes in one turn of the event loop (see flushDirty). */
const FLUSH_SLICE_MS = 2;

export class PushHub implements Disposable {
  readonly feed: StateFeed;
  readonly bus: EventBus;
  readonly history: Pick<EventBus, 'since'>;
  readonly options: PushHubOptions;
  private readonly logger: Logger;
  private readonly clients = new Set<PushClient>();
  private readonly dirty = new Set<PushClient>();
  private readonly eventCache: (PushMessage | undefined)[] = new Array(EVENT_CACHE);
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
    this.history = deps.history ?? deps.bus;
    this.options = deps.options;
    this.logger = deps.logger;
    this.feed = this.subscriptions.add(new StateFeed(deps.printer, deps.options.logLines, deps.files));
    this.hubSeq = deps.bus.lastSeq;
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

  /** seq of the last event the hub has dispatched to its clients */
  get seq(): number {
    return this.hubSeq;
  }

  get clientCount(): number {
    let n = 0;
    for (const client of this.clients) if (client.authenticated) n++;
    return n;
  }

  setRelay(relay: PushRelay | undefined): void {
    this.relay = relay;
  }

  /** A transport opened a connection: `connected` goes out at once; nothing else before `authenticate`. */
  connect<F>(link: PushLink<F>): PushClient<F> {
    const client = new PushClient<F>(this, link);
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
    return client;
  }

  /** Starts the stream: `history`, then events live (or replayed after `lastSeq`) and `current` by rate. */
  authenticate(client: PushClient, principal: Principal, lastSeq?: number): void {
    if (client.isClosed) return;
    const resuming = lastSeq !== undefined && Number.isFinite(lastSeq);
    const recent = resuming ? undefined : this.bus.since(Math.max(0, this.hubSeq - this.options.historyEvents)).events.filter((e) => e.seq <= this.hubSeq);
    client.sendNow(
      new PushMessage('history', {
        ...this.feed.history(),
        ...(recent ? { events: recent.map(eventData) } : {}),
        lastSeq: this.hubSeq,
      }),
    );
    client.start(principal, this.hubSeq, this.feed.latestTick, resuming ? lastSeq : undefined);
    this.ensureTicker();
  }

  /** A client message (`subscribe`, `throttle`): applied, or logged and ignored when bad. */
  handleClientMessage(client: PushClient, type: string, data: unknown): void {
    try {
      if (type === 'subscribe') client.subscription = parseSubscription(data);
      else if (type === 'throttle') client.throttle = parseThrottle(data);
      else throw new SubscriptionError(`unknown message "${type}"`);
    } catch (err) {
      if (!(err instanceof SubscriptionError)) throw err;
      this.logger.warn({ client: client.info.id, type, problem: err.message }, 'ignored a bad push client message');
    }
  }

  disconnect(client: PushClient): void {
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
  receiveRemote(kind: 'event' | 'plugin' | 'slicingProgress', data: object): void {
    if (kind === 'event') {
      const message = new PushMessage('event', data);
      const type = (data as { type?: string }).type ?? '';
      for (const client of this.clients) if (acceptsName(client.subscription.events, type)) client.offerOther(message);
    } else if (kind === 'plugin') this.broadcastPlugin(data as { plugin: string; data: JsonValue }, false);
    else this.broadcastSlicingProgress(data, false);
  }

  /** The shared, pre-built `event` message for a bus event. */
  eventMessage(event: AnyFiredEvent): PushMessage {
    const slot = event.seq & (EVENT_CACHE - 1);
    const cached = this.eventCache[slot];
    if (cached && cached.seq === event.seq) return cached;
    const data = this.relay ? { ...eventData(event), node: this.relay.nodeId } : eventData(event);
    const message = new PushMessage('event', data, event.seq);
    this.eventCache[slot] = message;
    return message;
  }

  /** A client's queue overflowed: it now catches up from the bus history after `seq`. */
  noteOverflow(client: PushClient, seq: number): void {
    this.logger.debug({ client: client.info.id, after: seq }, 'push client too slow for the stream: catching up from the event history');
  }

  scheduleFlush(client: PushClient): void {
    this.dirty.add(client);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flushDirty);
    }
  }

  dispose(): void {
    this.stopTicker();
    this.subscriptions.dispose();
    for (const client of [...this.clients]) client.link.close('server shutting down');
    this.opened.dispose();
    this.closedEmitter.dispose();
  }

  private dispatchEvent(event: AnyFiredEvent): void {
    if (event.seq <= this.hubSeq) return;
    this.hubSeq = event.seq;
    const message = this.eventMessage(event);
    for (const client of this.clients) client.offerEvent(event, message);
    this.relay?.publish('event', message.data);
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
    this.ticker = setInterval(() => {
      const tick = this.feed.tick();
      for (const client of this.clients) client.offerTick(tick);
    }, 1000 / this.options.rateHz);
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
