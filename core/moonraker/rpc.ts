/**
 * JSON-RPC 2.0 as Moonraker speaks it: one request or a batch array per websocket message, errors
 * with Moonraker's codes (clients tell "method not found" from a failure by the code), and the
 * parameter readers every method uses, so a wrong type is a -32602 rather than an exception.
 */
import type { Principal } from '../http/http-server.js';
import type { PrinterScope } from '../printers/printer-registry.js';

export const RPC_PARSE_ERROR = -32700;
export const RPC_INVALID_REQUEST = -32600;
export const RPC_METHOD_NOT_FOUND = -32601;
export const RPC_INVALID_PARAMS = -32602;
export const RPC_INTERNAL_ERROR = -32603;

/** the most requests one batch may hold; a larger one is refused whole (one error, the socket stays) */
export const MAX_BATCH = 1000;

/**
 * A refused call. Moonraker answers failures of a method with HTTP-like codes (400, 401, 403, 404,
 * 409); protocol failures use the JSON-RPC codes above.
 */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

export type RpcId = string | number | null;

export interface RpcResponse {
  jsonrpc: '2.0';
  id: RpcId;
  result?: unknown;
  error?: { code: number; message: string };
}

/** Who calls and for which printer: what a method needs besides its parameters. */
export interface RpcCall {
  readonly printer: PrinterScope;
  readonly principal: Principal;
  /** the connection's id (server.connection.identify answers it) */
  readonly connectionId: number;
  /** the client's address (a login's per-address limit) */
  readonly address: string;
  /** the connection, for methods that change it (subscribe, identify) */
  readonly session: RpcSession;
}

/** What a method may change on the connection it was called on. */
export interface RpcSession {
  identify(info: { client_name: string; version: string; type: string; url: string }): void;
  /** the connection acts as `principal` from now on (identify's `access_token` or `api_key`) */
  authenticate(principal: Principal): void;
  /** replaces the subscription; `null` fields means every field of the object */
  subscribe(objects: Record<string, string[] | null>): void;
}

/** Typed access to a call's `params` object: a missing or mistyped one throws -32602 naming it. */
export class Params {
  constructor(private readonly raw: Record<string, unknown>) {}

  /** No `params` is none; anything but an object is -32602, `null` included, as Moonraker answers. */
  static of(value: unknown): Params {
    if (value === undefined) return new Params({});
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new RpcError(RPC_INVALID_PARAMS, 'Invalid params: params must be an object');
    return new Params(value as Record<string, unknown>);
  }

  has(name: string): boolean {
    return this.raw[name] !== undefined && this.raw[name] !== null;
  }

  string(name: string): string;
  string(name: string, fallback: string): string;
  string(name: string, fallback?: string): string {
    const value = this.raw[name];
    if (value === undefined || value === null) {
      if (fallback !== undefined) return fallback;
      throw new RpcError(RPC_INVALID_PARAMS, `No data for argument: ${name}`);
    }
    if (typeof value !== 'string') throw new RpcError(RPC_INVALID_PARAMS, `Invalid value for argument ${name}: expected a string`);
    return value;
  }

  optionalString(name: string): string | undefined {
    return this.has(name) ? this.string(name) : undefined;
  }

  number(name: string, fallback?: number): number {
    const value = this.raw[name];
    if (value === undefined || value === null) {
      if (fallback !== undefined) return fallback;
      throw new RpcError(RPC_INVALID_PARAMS, `No data for argument: ${name}`);
    }
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isFinite(n)) throw new RpcError(RPC_INVALID_PARAMS, `Invalid value for argument ${name}: expected a number`);
    return n;
  }

  /**
   * A count or an index: a number cut to a whole one inside [min, max], as Moonraker's answer to a
   * start past the end is an empty page; an offset of 1e20 reached SQLite, which cannot bind it.
   */
  integer(name: string, fallback: number, min: number, max: number): number {
    return Math.min(max, Math.max(min, Math.trunc(this.number(name, fallback))));
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw[name];
    if (value === undefined || value === null) return fallback;
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    throw new RpcError(RPC_INVALID_PARAMS, `Invalid value for argument ${name}: expected true or false`);
  }

  object(name: string): Record<string, unknown> {
    const value = this.raw[name];
    if (value === undefined || value === null) throw new RpcError(RPC_INVALID_PARAMS, `No data for argument: ${name}`);
    if (typeof value !== 'object' || Array.isArray(value)) throw new RpcError(RPC_INVALID_PARAMS, `Invalid value for argument ${name}: expected an object`);
    return value as Record<string, unknown>;
  }

  /** any JSON value (database items) */
  value(name: string): unknown {
    if (!(name in this.raw)) throw new RpcError(RPC_INVALID_PARAMS, `No data for argument: ${name}`);
    return this.raw[name];
  }
}

/**
 * Who a websocket opened without a credential acts as until it signs in (identify's `access_token`,
 * `access.login`): no permission at all, so every method but the `public` ones answers 401, as
 * Moonraker answers a client that must log in (Fluidd then shows its login).
 */
export const NOT_SIGNED_IN: Principal = Object.freeze({ name: '', admin: false, groups: [], permissions: [], via: 'anonymous' as const });

/** A method callable before sign-in: the ways in (identify, login, refresh) and what a login page reads. */
export const BEFORE_SIGN_IN = 'public';

/** One method: the permission it needs (OctoPrint's keys, as the REST route doing the same, or BEFORE_SIGN_IN) and what it does. */
export interface RpcMethod {
  readonly permission: string;
  handle(params: Params, call: RpcCall): unknown;
}

/** A contribution of methods, bound to `RpcMethodContribution` in the moonraker module. */
export interface RpcMethodContribution {
  methods(): Record<string, RpcMethod>;
}
export const RpcMethodContribution = Symbol.for('cuttle.moonraker.RpcMethodContribution');

/** Resolves the bound contributions when called (at start, after every module is loaded). */
export type RpcMethodProvider = () => RpcMethodContribution[];
export const RpcMethodProvider = Symbol.for('cuttle.moonraker.RpcMethodProvider');
