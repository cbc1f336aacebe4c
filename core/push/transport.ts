/**
 * What a transport (transports/*.ts) sees of the push hub: an endpoint that opens a connection, and
 * the connection it gets back, which it drives (authenticate, client messages, closed). The hub
 * implements both (hub.ts); a transport never sees the hub, its clients or its feeds.
 * A new transport is one file in `transports/` binding `PushTransportContribution`.
 */
import type { Principal } from '../http/http-server.js';
import type { PushClientInfo } from './api.js';
import type { PushLink } from './message.js';
import type { PushView } from './view.js';

/** One open connection, as its transport drives it. */
export interface PushConnection {
  readonly info: PushClientInfo;
  /** authenticated and still open: the stream is flowing */
  readonly authenticated: boolean;
  /** who it authenticated as; null before, and after `deauthenticate` */
  readonly principal: Principal | null;
  /**
   * Starts the stream (`history`, then events live or replayed after `lastSeq`, and `current`). A
   * connection that is already authenticated only takes the new principal (a re-login).
   */
  authenticate(principal: Principal, lastSeq?: number): void;
  /** Stops the stream and asks the client to log in again (`reauthRequired {reason}`); the socket stays. */
  deauthenticate(reason: string): void;
  /** A client message (`subscribe`, `throttle`); a bad one is logged, and the farm view is told why. */
  receive(type: string, data: unknown): void;
  /** The transport's connection is gone. */
  closed(): void;
}

/** Broadcasts between cuttle processes (transports/cluster.ts implements it over the socket.io redis adapter). */
export interface PushRelay {
  readonly nodeId: string;
  publish(kind: RelayKind, data: object): void;
}
export type RelayKind = 'event' | 'plugin' | 'slicingProgress';

/** What a transport hands connections to. */
export interface PushEndpoint {
  /** A connection opened with its view: `connected` goes out at once, nothing else before `authenticate`. */
  connect<F>(link: PushLink<F>, view: PushView): PushConnection;
  /** Joins a cluster (undefined: leaves it): local broadcasts are also published through `relay`. */
  setRelay(relay: PushRelay | undefined): void;
  /** What another cluster node broadcast: delivered to this node's clients only. */
  receiveRemote(kind: RelayKind, data: object): void;
}

/** What a transport file binds; the push service attaches every contribution at start. */
export interface PushTransportContribution {
  readonly id: string;
  attach(endpoint: PushEndpoint): Promise<void> | void;
  detach(): Promise<void> | void;
}
export const PushTransportContribution = Symbol.for('cuttle.PushTransportContribution');
