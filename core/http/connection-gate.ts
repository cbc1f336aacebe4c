/**
 * The host answers no request before its plugins have started: it listens early (its port is known
 * and taken), but a request or websocket upgrade that arrives before then waits until the host opens
 * the gate. A client that calls during start-up just waits a moment; it never meets a host whose
 * plugins are not there yet (an upload whose FileAdded no MQTT plugin was up to send, say).
 * The health probes are the exception: `/healthz` and `/readyz` answer at once, "not ready" included.
 *
 * Gating happens where the http.Server hands out requests and upgrades (its own `emit`, in a
 * subclass): the printers' own ports hand their requests to the main server the same way, so they
 * wait too.
 */
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';

export class ConnectionGate {
  private opened = false;
  private readonly waiting: (() => void)[] = [];

  get isOpen(): boolean {
    return this.opened;
  }

  /** Lets the held requests in, and every later one at once. */
  open(): void {
    if (this.opened) return;
    this.opened = true;
    for (const admit of this.waiting.splice(0)) admit();
  }

  /** Runs `admit` now when open, else once opened. */
  admit(admit: () => void): void {
    if (this.opened) admit();
    else this.waiting.push(admit);
  }
}
export const ConnectionGateToken = Symbol.for('cuttle.ConnectionGate');

/** Probes that say "starting" rather than wait for the end of it. */
const PROBES = /^\/(healthz|readyz)(\?|$)/;

/** A node server class (http.Server, https.Server): the gate is added to either by `gated`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a mixin's base constructor must take any arguments
type ServerClass = new (...args: any[]) => net.Server;

/** The server class with requests and upgrades waiting for the gate (but the health probes). */
function gated<B extends ServerClass>(Base: B) {
  return class extends Base {
    gate: ConnectionGate | undefined;

    override emit(event: string | symbol, ...args: unknown[]): boolean {
      const gate = this.gate;
      if (gate && (event === 'request' || event === 'upgrade') && !gate.isOpen && !PROBES.test((args[0] as http.IncomingMessage).url ?? '')) {
        const held: string = event;
        gate.admit(() => super.emit(held, ...args));
        return true;
      }
      return super.emit(event, ...args);
    }
  };
}

/** An http.Server whose requests and upgrades wait for the gate (but the health probes). */
export class GatedHttpServer extends gated(http.Server) {
  constructor(gate: ConnectionGate, handler: http.RequestListener) {
    super(handler);
    this.gate = gate;
  }
}

/** The same over TLS (`server.tls`): an https.Server gated alike. */
export class GatedHttpsServer extends gated(https.Server) {
  constructor(gate: ConnectionGate, options: https.ServerOptions, handler: http.RequestListener) {
    super(options, handler);
    this.gate = gate;
  }
}
