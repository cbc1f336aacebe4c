/**
 * What the push channel offers to plugins (re-exported by core/index.ts): sending `plugin` messages
 * to push clients, knowing when push clients come and go, and the connectivity check's verdict.
 */
import type { Event } from '../common/event.js';

/** Any value that survives JSON encoding unchanged. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A push client as plugins see it. */
export interface PushClientInfo {
  /** unique per connection */
  id: string;
  /** the client's IP address (IPv4-mapped IPv6 addresses are given as IPv4) */
  remoteAddress: string;
  /** 'socket.io', 'sockjs', … */
  transport: string;
}

export interface PushService {
  /**
   * Sends `plugin {plugin, data}` to every push client subscribed to `plugin`'s messages, on every
   * node of the push cluster. `data` is encoded once per transport, whatever the number of clients.
   */
  sendPluginMessage(plugin: string, data: JsonValue): void;
  /** push clients connected to this process and authenticated */
  readonly clientCount: number;
  readonly onClientOpened: Event<PushClientInfo>;
  readonly onClientClosed: Event<PushClientInfo>;
}
export const PushService = Symbol.for('cuttle.PushService');

/** The scheduled TCP connectivity check (config `onlineCheck.*`, as OctoPrint's `server.onlineCheck`). */
export interface ConnectivityService {
  /** the last verdict; null before the first check or when the check is disabled */
  readonly online: boolean | null;
  /** Checks now (also called on schedule); fires `onChanged` when the verdict changed. */
  check(): Promise<boolean>;
  readonly onChanged: Event<{ old: boolean; new: boolean }>;
}
export const ConnectivityService = Symbol.for('cuttle.ConnectivityService');
