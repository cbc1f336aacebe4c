/**
 * The push channel's messages and the wire they go out on (a leaf: it imports nothing). A transport
 * encodes each message once (the message caches the frame per transport, and the hub hands the same
 * frame to every connection of that transport), writes frames to one connection, and says when a
 * connection's writes have reached its network socket (back-pressure).
 */

/** One message as the hub built it: `{ [type]: data }` in OctoPrint's terms. Frames are cached per transport. */
export class PushMessage {
  private readonly frames = new Map<string, unknown>();

  constructor(
    readonly type: PushMessageType,
    readonly data: object,
    /** for `event`: its seq; for `gap`: the last seq it covers (the client's position after it) */
    readonly seq?: number,
  ) {}

  /** The frame for `transport`, encoded on first use only. */
  frameFor<F>(transport: PushEncoder<F>): F {
    let frame = this.frames.get(transport.id) as F | undefined;
    if (frame === undefined) {
      frame = transport.encode(this);
      this.frames.set(transport.id, frame);
    }
    return frame;
  }
}

export type PushMessageType =
  | 'connected'
  | 'history'
  | 'current'
  /** a batched farm client's tick: `{printers: [current, …]}`, the printers that changed (view.ts) */
  | 'currents'
  | 'event'
  | 'gap'
  | 'slicingProgress'
  | 'plugin'
  | 'reauthRequired'
  /** the farm view's answer to a refused client message `{request, error}` */
  | 'error';

export interface PushEncoder<F> {
  /** 'socket.io', 'sockjs', … : names the cache slot, shown to plugins as PushClientInfo.transport */
  readonly id: string;
  encode(message: PushMessage): F;
}

/** One open connection as the hub drives it. */
export interface PushLink<F> {
  readonly encoder: PushEncoder<F>;
  readonly remoteAddress: string;
  /**
   * Writes frames in order. `flushed` is called once all of them have left for the network
   * (the hub counts them as in flight until then).
   */
  write(frames: F[], flushed: () => void): void;
  /** Closes the connection (the transport then calls `PushConnection.closed()`). */
  close(reason: string): void;
}
