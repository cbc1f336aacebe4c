/**
 * The farm, live: the printer list from `GET api/printers`, then socket.io's farm view (every
 * printer's `history`/`current` keyed by `printer`, and events). One signal per card, so a printer's
 * update re-renders its card alone. Printers added or removed (events PrinterAdded/PrinterRemoved)
 * or changed (a `core.printers` plugin message: a rename) reload the list. After a host restart it reconnects, resuming events at `lastSeq`.
 */
import { batch, signal, type Signal } from '@preact/signals';
import { io, type Socket } from 'socket.io-client';
import { api, credentialRefused } from '../api/http.js';
import type { PrinterJson, PrinterList, PrinterUpdate, PushEvent, PushPrinterState, TemperatureReading } from '../api/types.js';
import { PrintClock, type ClockReading } from '../lib/format.js';
import { absolute } from '../lib/page.js';
import { PANELS_MESSAGE, PRINTERS_MESSAGE } from '../api/types.js';
import { connection, markConnected, panelsChanged } from './connection.js';
import { EventBatch } from './event-batch.js';

export type Heaters = Record<string, Pick<TemperatureReading, 'actual' | 'target'>>;

export interface Card {
  id: string;
  name: string;
  state: PrinterJson['state'];
  job: PrinterJson['job'];
  progress: PrinterJson['progress'];
  heaters: Heaters;
  clock: ClockReading;
  /** the last push update as it came (for plugins' card sections), null before the first */
  live: PushPrinterState | null;
}

const MAX_EVENTS = 200;

/** The heaters of the newest temperature point (its `time` left out). */
export function heatersOf(point: Record<string, unknown> | undefined): Heaters | undefined {
  if (!point) return undefined;
  const heaters: Heaters = {};
  for (const [name, value] of Object.entries(point)) if (name !== 'time' && value && typeof value === 'object') heaters[name] = value as Heaters[string];
  return heaters;
}

export class FarmStream {
  readonly status = connection;
  readonly order = signal<readonly string[]>([]);
  /** whether the printers have been listed once (before: the farm draws no card and nothing below them) */
  readonly listed = signal(false);
  readonly names = signal<Readonly<Record<string, string>>>({});
  readonly events = signal<readonly PushEvent[]>([]);
  /** bumped by an `appkeys` plugin message: the pending requests changed */
  readonly appKeys = signal(0);
  private readonly cards = new Map<string, Signal<Card>>();
  private readonly clocks = new Map<string, PrintClock>();
  private socket: Socket | undefined;
  private lastSeq: number | undefined;
  private loading: Promise<void> | undefined;
  private retry: ReturnType<typeof setTimeout> | undefined;
  /** sixteen printers' ZChange and PrintProgress come many times a second: the log is redrawn 4 times a second at most */
  private readonly pendingEvents = new EventBatch<PushEvent>((batch) => (this.events.value = [...batch.reverse(), ...this.events.peek()].slice(0, MAX_EVENTS)));

  constructor(private readonly credential: string) {}

  card(id: string): Signal<Card> | undefined {
    return this.cards.get(id);
  }

  start(): void {
    // the list does not wait for the socket: both go out at once
    void this.loadPrinters();
    const socket = io({
      path: absolute('socket.io/').pathname,
      transports: ['websocket', 'polling'],
      // a host still starting accepts the connection but may not answer it (its push is not attached
      // yet): give up on an attempt after 5 s, not socket.io's 20 s, and try again
      timeout: 5000,
      auth: (cb) => cb(this.lastSeq === undefined ? { apikey: this.credential } : { apikey: this.credential, lastSeq: this.lastSeq }),
    });
    this.socket = socket;
    socket.on('connect', () => {
      markConnected();
      void this.loadPrinters();
      // the cards need state, not every printer's terminal
      socket.emit('subscribe', { state: { logs: false, messages: false }, events: true, plugins: true });
    });
    socket.on('disconnect', (reason) => {
      this.status.value = 'reconnecting';
      // a host shutting down closes its sockets itself, and socket.io does not retry those: retry here
      // (a revoked key comes back as a refused connect_error, below)
      if (reason === 'io server disconnect') this.retry = setTimeout(() => socket.connect(), 1000);
    });
    socket.on('connect_error', (err: Error & { data?: { status?: number } }) => {
      if (err.data?.status === 403 || /forbidden/i.test(err.message)) {
        // the key or session is no longer good (a restarted host forgets sessions): retrying will not help
        this.status.value = 'refused';
        socket.close();
        credentialRefused.value++;
      } else this.status.value = 'reconnecting';
    });
    socket.on('history', (m: PrinterUpdate) => this.update(m));
    socket.on('current', (m: PrinterUpdate) => this.update(m));
    socket.on('event', (e: PushEvent) => {
      this.lastSeq = e.seq;
      this.pendingEvents.add(e);
      if (e.type === 'PrinterAdded' || e.type === 'PrinterRemoved') void this.loadPrinters();
    });
    socket.on('gap', (g: { to?: number }) => {
      if (g.to) this.lastSeq = g.to;
    });
    socket.on('plugin', (m: { plugin: string }) => {
      if (m.plugin === 'appkeys') this.appKeys.value++;
      // a printer's entry changed (renamed): the names come from the list
      if (m.plugin === PRINTERS_MESSAGE) void this.loadPrinters();
      // a plugin started or stopped: its panels come or go
      if (m.plugin === PANELS_MESSAGE) panelsChanged.value++;
    });
  }

  stop(): void {
    clearTimeout(this.retry);
    this.pendingEvents.dispose();
    this.socket?.close();
    this.socket = undefined;
  }

  /** The list and names from REST; the push stream keeps the cards' state live from there. */
  loadPrinters(): Promise<void> {
    return (this.loading ??= api<PrinterList>('GET', 'api/printers')
      .then(({ printers }) => this.sync(printers))
      .catch(() => undefined)
      .finally(() => (this.loading = undefined)));
  }

  private sync(printers: PrinterJson[]): void {
    batch(() => {
      const ids = printers.map((p) => p.id);
      for (const id of [...this.cards.keys()]) {
        if (ids.includes(id)) continue;
        this.cards.delete(id);
        this.clocks.delete(id);
      }
      for (const p of printers) {
        const clock = this.clocks.get(p.id) ?? new PrintClock();
        this.clocks.set(p.id, clock);
        const known = this.cards.get(p.id);
        const card: Card = {
          id: p.id,
          name: p.name,
          state: p.state,
          job: p.job,
          progress: p.progress,
          heaters: known?.peek().heaters ?? p.temperatures,
          clock: known?.peek().clock ?? clock.update(p),
          live: null,
        };
        if (known) known.value = { ...known.peek(), name: p.name };
        else this.cards.set(p.id, signal(card));
      }
      this.names.value = Object.fromEntries(printers.map((p) => [p.id, p.name]));
      this.order.value = ids;
      this.listed.value = true;
    });
  }

  private update(m: PrinterUpdate): void {
    const id = m.printer;
    const card = id ? this.cards.get(id) : undefined;
    if (!id || !card) {
      // a printer this page has not listed yet
      if (id) void this.loadPrinters();
      return;
    }
    const clock = this.clocks.get(id)!;
    const was = card.peek();
    card.value = {
      ...was,
      state: m.state,
      job: m.job,
      progress: m.progress,
      heaters: heatersOf(m.temps[m.temps.length - 1]) ?? was.heaters,
      clock: clock.update(m),
      live: m,
    };
  }
}
