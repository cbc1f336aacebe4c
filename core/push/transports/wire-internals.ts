/**
 * Every use of engine.io's and ws's private parts, in one place. They let a broadcast be encoded
 * once: a complete websocket frame is built with ws's `Sender.frame` and written to each client's
 * TCP socket (socket.io: engine.io's `transport.socket._socket`, when its `writeBuffer` is empty and
 * it is not `upgrading`) or handed to ws's `_sender.sendFrame` (SockJS), instead of each socket
 * framing the same bytes again.
 *
 * They are checked once at start (`checkWireInternals`): the installed versions must be the ones
 * this code was verified against (package.json pins them exactly) and a frame must come out byte for
 * byte as RFC 6455 says. When the check fails, or `push.wireInternals` is false, everything goes
 * through the libraries' public API (`conn.write`, `ws.send`), which is always correct, only slower
 * (`npm run bench:push` with BENCH_WIRE_INTERNALS=0 measures it).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';

/** The versions whose private fields the code below was verified against. */
export const VERIFIED_VERSIONS = { ws: '8.23.0', 'engine.io': '6.6.12', 'engine.io/ws': '8.21.3' } as const;

const FRAME_OPTIONS = { readOnly: false, mask: false, rsv1: false, opcode: 1, fin: true };
type SenderClass = { frame(data: Buffer, options: object): Buffer[] };

let enabled = false;

/** The problem with the internals, or null when they are as verified. */
export function checkWireInternals(): string | null {
  const found = installedVersions();
  for (const [name, version] of Object.entries(VERIFIED_VERSIONS)) {
    if (found[name] !== version) return `${name} is ${found[name] ?? 'missing'}, the internals were verified with ${version}`;
  }
  const sender = (WebSocket as unknown as { Sender?: SenderClass }).Sender;
  if (typeof sender?.frame !== 'function') return 'ws has no Sender.frame';
  const frame = Buffer.concat(sender.frame(Buffer.from('hi'), FRAME_OPTIONS));
  if (!frame.equals(Buffer.from([0x81, 0x02, 0x68, 0x69]))) return `ws's Sender.frame built ${frame.toString('hex')} for "hi", not 81026869`;
  return null;
}

/** Turns the internals on when wanted and checked; returns why they stay off, or null. */
export function useWireInternals(wanted: boolean): string | null {
  const problem = wanted ? checkWireInternals() : 'push.wireInternals is false';
  enabled = problem === null;
  return problem;
}

export function wireInternalsEnabled(): boolean {
  return enabled;
}

/** A complete unmasked websocket text frame of `payload`, or undefined when the internals are off. */
export function textFrame(payload: Buffer | string): Buffer[] | undefined {
  if (!enabled) return undefined;
  return (WebSocket as unknown as { Sender: SenderClass }).Sender.frame(Buffer.isBuffer(payload) ? payload : Buffer.from(payload), FRAME_OPTIONS);
}

interface EngineSocket {
  upgrading?: unknown;
  writeBuffer?: unknown;
  transport?: { name?: string; perMessageDeflate?: unknown; socket?: { _socket?: Duplex; readyState?: number } };
}

/**
 * The TCP socket under an engine.io websocket connection that has nothing queued (not upgrading,
 * empty write buffer, no compression), or undefined: polling, engine.io busy, or internals off.
 * A connection whose fields do not look as verified turns the internals off for good.
 */
export function rawSocketOf(conn: unknown): Duplex | undefined {
  if (!enabled) return undefined;
  const engine = conn as EngineSocket;
  const transport = engine.transport;
  if (typeof engine.upgrading !== 'boolean' || !Array.isArray(engine.writeBuffer) || !transport) {
    enabled = false;
    return undefined;
  }
  if (transport.name !== 'websocket' || engine.upgrading || engine.writeBuffer.length > 0 || transport.perMessageDeflate) return undefined;
  const raw = transport.socket?._socket;
  return raw && transport.socket?.readyState === 1 && !raw.destroyed && raw.writable ? raw : undefined;
}

export interface FrameSender {
  sendFrame(list: Buffer[], cb?: (err?: Error) => void): void;
}

/** ws's frame sender when frames can go out pre-encoded (no per-message compression), or undefined. */
export function frameSenderOf(ws: WebSocket): FrameSender | undefined {
  if (!enabled) return undefined;
  const internal = ws as unknown as { _sender?: FrameSender; extensions?: string };
  return !internal.extensions && typeof internal._sender?.sendFrame === 'function' ? internal._sender : undefined;
}

function installedVersions(): Record<string, string | undefined> {
  const versionAt = (dir: string): string | undefined => {
    try {
      return (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version?: string }).version;
    } catch {
      return undefined;
    }
  };
  const packageDir = (request: string, from?: string): string | undefined => {
    try {
      // the package's main file lies somewhere under its folder: walk up to its package.json
      let dir = path.dirname(require.resolve(request, from ? { paths: [from] } : undefined));
      while (path.basename(dir) !== request.split('/').pop() && path.dirname(dir) !== dir) dir = path.dirname(dir);
      return dir;
    } catch {
      return undefined;
    }
  };
  const wsDir = packageDir('ws');
  const engineDir = packageDir('engine.io', packageDir('socket.io'));
  const engineWsDir = engineDir ? packageDir('ws', engineDir) : undefined;
  return {
    ws: wsDir && versionAt(wsDir),
    'engine.io': engineDir && versionAt(engineDir),
    'engine.io/ws': engineWsDir && versionAt(engineWsDir),
  };
}
