/**
 * One printer, live, over its own OctoPrint socket (`sockjs/websocket`, relative to the page, so it
 * works under `/printer/<id>/` and at the printer's own port): a passive login turns the sign-in's
 * credential into a session, `{auth: "name:session"}` after `connected`, then `history`, `current`,
 * `event`. It reconnects with a growing delay after the host goes away, and logs in again then.
 */
import { batch, signal } from '@preact/signals';
import { api, ApiError } from '../api/http.js';
import { PANELS_MESSAGE, PRINTERS_MESSAGE, type LoginAnswer, type PrinterUpdate, type PushEvent, type PushPrinterState, type TempPoint } from '../api/types.js';
import { PrintClock, type ClockReading } from '../lib/format.js';
import { absolute } from '../lib/page.js';
import { connection, markConnected, panelsChanged } from './connection.js';
import { EventBatch } from './event-batch.js';

export const MAX_TEMPS = 1800;
export const MAX_TERMINAL = 1000;
const MAX_EVENTS = 300;
const OPEN_TIMEOUT_MS = 5000;

export class PrinterStream {
  readonly status = connection;
  readonly state = signal<PushPrinterState | null>(null);
  readonly clock = signal<ClockReading | null>(null);
  /** newest last; replaced (not mutated) on each update, so a signal carries it */
  readonly temps = signal<readonly TempPoint[]>([]);
  readonly terminal = signal<readonly string[]>([]);
  /** lines seen in all, for the terminal's counter */
  readonly terminalCount = signal(0);
  readonly events = signal<readonly PushEvent[]>([]);
  /** bumped when the host says a printer's entry changed (a rename): the page reads its identity again */
  readonly entryChanged = signal(0);
  private readonly printClock = new PrintClock();
  private socket: WebSocket | undefined;
  private retry = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private readonly pendingEvents = new EventBatch<PushEvent>((batch) => (this.events.value = [...batch.reverse(), ...this.events.peek()].slice(0, MAX_EVENTS)));

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.pendingEvents.dispose();
    clearTimeout(this.timer);
    if (this.socket) {
      this.socket.onclose = null;
      this.socket.close();
    }
    this.socket = undefined;
  }

  private async connect(): Promise<void> {
    let login: LoginAnswer;
    try {
      login = await api<LoginAnswer>('POST', 'api/login', { passive: true });
    } catch (err) {
      // a refused credential is handled by the sign-in (http.ts); anything else: the host is away
      if (err instanceof ApiError && err.status === 403) this.status.value = 'refused';
      // the host is there and knows no such printer: said as that, not as a host away; still asked
      // again now and then (a printer re-added under its id, or a host still loading its printers)
      else this.again(err instanceof ApiError && err.status === 404 ? 'gone' : 'reconnecting');
      return;
    }
    if (this.stopped) return;
    const socket = new WebSocket(absolute('sockjs/websocket', 'ws'));
    this.socket = socket;
    // a host still starting may accept the connection and never answer it: close and try again
    const opening = setTimeout(() => socket.readyState === WebSocket.CONNECTING && socket.close(), OPEN_TIMEOUT_MS);
    socket.onopen = () => clearTimeout(opening);
    socket.onmessage = (e) => {
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(String(e.data)) as Record<string, unknown>;
      } catch {
        return;
      }
      for (const [type, data] of Object.entries(message)) {
        if (type === 'connected') socket.send(JSON.stringify({ auth: `${login.name}:${login.session}` }));
        else this.receive(type, data);
      }
    };
    socket.onclose = () => {
      this.socket = undefined;
      if (!this.stopped) this.again();
    };
  }

  private again(status: 'reconnecting' | 'gone' = 'reconnecting'): void {
    this.retry = Math.min(this.retry + 1, 5);
    this.status.value = status;
    this.timer = setTimeout(() => void this.connect(), this.retry * 1000);
  }

  private receive(type: string, data: unknown): void {
    switch (type) {
      case 'history':
        this.retry = 0;
        markConnected();
        return this.apply(data as PrinterUpdate, true);
      case 'current':
        return this.apply(data as PrinterUpdate, false);
      case 'event':
        this.pendingEvents.add(data as PushEvent);
        return;
      case 'plugin':
        if ((data as { plugin?: string }).plugin === PRINTERS_MESSAGE) this.entryChanged.value++;
        if ((data as { plugin?: string }).plugin === PANELS_MESSAGE) panelsChanged.value++;
        return;
      case 'reauthRequired':
        this.socket?.close();
    }
  }

  private apply(m: PrinterUpdate, fresh: boolean): void {
    batch(() => {
      const { temps, logs, messages: _messages, printer: _printer, ...state } = m;
      this.state.value = state;
      this.clock.value = this.printClock.update(m);
      if (fresh || temps.length) this.temps.value = (fresh ? temps : [...this.temps.peek(), ...temps]).slice(-MAX_TEMPS);
      if (fresh || logs.length) this.terminal.value = (fresh ? logs : [...this.terminal.peek(), ...logs]).slice(-MAX_TERMINAL);
      if (logs.length) this.terminalCount.value += logs.length;
    });
  }
}
