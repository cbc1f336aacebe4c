/**
 * The client's base URL, for absolute URLs in answers (refs, Location, downloads). `requestOrigin` is
 * the one place that decides a request's scheme and host: `server.publicUrl` when it is set, the
 * request's `Host` only when `server.allowedHosts` (by default the host's own names and addresses)
 * lists it, else the address the host listens on. A forged `Host: evil.example` never reaches an
 * answer. Before all of these, what a trusted reverse proxy forwards (`server.trustedProxies`:
 * X-Forwarded-Proto/-Host/-Port and the prefix it serves cuttle under, X-Forwarded-Prefix or
 * OctoPrint's X-Script-Name), so answers lead back through the proxy. The base path is the one
 * the client's base has on this connection. A printer's own `listen` port is decided by the same
 * rules: a trusted proxy's headers (it may front that port too), then the public URL's host name
 * (with the port's own scheme and number: the URL's path and port are the main port's), then Host.
 */
import type http from 'node:http';
import os from 'node:os';
import type Koa from 'koa';

declare module 'koa' {
  interface DefaultState {
    /**
     * The path the client's base URL has on this connection ('' at the root of a port; a prefix such
     * as `/printer/<id>` when a middleware stripped one from the request's path).
     */
    basePath?: string;
    /** The scheme, host and port (and a public URL's path) of this request's base, from `requestOrigin`. */
    origin?: string;
    /** The same for the main port, as this client reaches it (differs on a printer's own `listen` port). */
    mainOrigin?: string;
  }
}

/** What `requestOrigin` decides by (server.publicUrl and server.allowedHosts, with the host's own names). */
export interface OriginPolicy {
  /** `server.publicUrl` without its trailing slash, '' when not set */
  readonly publicUrl: string;
  /** hostnames (lower case, IPv6 without brackets) a request's `Host` may name */
  readonly allowedHosts: ReadonlySet<string>;
}

/** What `requestOrigin` reads of a request. */
export interface OriginRequest {
  readonly protocol: string;
  /** the `Host` header as sent ('' when none) */
  readonly host: string;
  /** the host's own URL for the port the request came in on, e.g. `http://127.0.0.1:5000` */
  readonly ownOrigin: string;
  /** false on a printer's own `listen` port: of a public URL, only its host name is that port's */
  readonly mainPort: boolean;
  /** the forwarded headers, only when the peer is a trusted proxy */
  readonly forwarded?: ForwardedHeaders;
}

/** What a reverse proxy says of the client's URL (each header's first value, as sent). */
export interface ForwardedHeaders {
  readonly proto?: string;
  readonly host?: string;
  readonly port?: string;
  /** X-Forwarded-Prefix, else X-Script-Name */
  readonly prefix?: string;
}

/** The headers a trusted proxy's request carries, first value of each (a chain of proxies lists the client's first). */
export function forwardedHeaders(get: (name: string) => string): ForwardedHeaders {
  const first = (name: string) => get(name).split(',')[0]!.trim() || undefined;
  return { proto: first('x-forwarded-proto'), host: first('x-forwarded-host'), port: first('x-forwarded-port'), prefix: first('x-forwarded-prefix') ?? first('x-script-name') };
}

/** The origin and prefix a proxy forwarded, over the request's own scheme and Host; null when it says nothing usable. */
function forwardedOrigin(request: OriginRequest, forwarded: ForwardedHeaders): string | null {
  if (Object.values(forwarded).every((value) => value === undefined)) return null;
  const proto = forwarded.proto?.toLowerCase();
  const scheme = proto === 'http' || proto === 'https' ? proto : request.protocol;
  const host = forwarded.host !== undefined && hostnameOf(forwarded.host) !== null ? forwarded.host : request.host;
  const hostname = hostnameOf(host);
  if (hostname === null) return null;
  const port = forwarded.port !== undefined && /^\d{1,5}$/.test(forwarded.port) && Number(forwarded.port) <= 65535 ? Number(forwarded.port) : undefined;
  const url = new URL(`${scheme}://${host}`);
  if (port !== undefined) url.port = String(port);
  const prefix = forwarded.prefix !== undefined && /^\/[\w\-.~/%]{0,200}$/.test(forwarded.prefix) ? forwarded.prefix.replace(/\/+$/, '') : '';
  return `${url.origin}${prefix}`;
}

/** The hostname of a `Host` header (`[::1]:5000` → `::1`), lower case; null when it is not one. */
export function hostnameOf(host: string): string | null {
  if (host === '' || host.length > 255 || /[\s/?#@\\]/.test(host)) return null;
  try {
    return new URL(`http://${host}`).hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  } catch {
    return null;
  }
}

/** The host's own names and addresses: the default of `server.allowedHosts`. */
export function ownHostnames(): string[] {
  const names = new Set(['localhost', os.hostname().toLowerCase(), `${os.hostname().toLowerCase()}.local`]);
  for (const list of Object.values(os.networkInterfaces())) for (const entry of list ?? []) names.add(entry.address.toLowerCase());
  return [...names];
}

/** The host's own URL for a port it listens on (`server.host`; a wildcard shown as 127.0.0.1), `https` when it serves TLS itself. */
export function ownOrigin(listenHost: string, port: number, scheme: 'http' | 'https' = 'http'): string {
  const shown = listenHost === '0.0.0.0' || listenHost === '::' ? '127.0.0.1' : listenHost.includes(':') ? `[${listenHost}]` : listenHost;
  return `${scheme}://${shown}:${port}`;
}

/** The origin (and a public URL's path) of a request's base URL: the one function that decides it. */
export function requestOrigin(request: OriginRequest, policy: OriginPolicy): string {
  const forwarded = request.forwarded ? forwardedOrigin(request, request.forwarded) : null;
  if (forwarded !== null) return forwarded;
  if (policy.publicUrl !== '') return request.mainPort ? policy.publicUrl : publicOriginOfPort(policy.publicUrl, request.ownOrigin);
  const hostname = hostnameOf(request.host);
  if (hostname !== null && policy.allowedHosts.has(hostname)) return `${request.protocol}://${request.host}`;
  return request.ownOrigin;
}

/** A printer's own port under the public URL's host name: `https://farm.example/cuttle` and `http://0.0.0.0:5002` → `http://farm.example:5002`. */
function publicOriginOfPort(publicUrl: string, ownOrigin: string): string {
  const url = new URL(ownOrigin);
  url.hostname = new URL(publicUrl).hostname;
  return url.origin;
}

/**
 * The origin `requestOrigin` decides for a raw request (a websocket upgrade, which passes no koa
 * middleware), under the host's settings: compare a browser's Origin to this, never to `Host`.
 */
export interface RequestOriginSource {
  originOf(req: http.IncomingMessage): string;
}
export const RequestOriginSource = Symbol.for('cuttle.http.RequestOriginSource');

/** `<origin><basePath>`: the origin the server decided for this request (`ctx.state.origin`). */
export function baseUrlOf(ctx: Pick<Koa.Context, 'state'>): string {
  if (ctx.state.origin === undefined) throw new Error('the request has no origin: the server sets ctx.state.origin before routing');
  return `${ctx.state.origin}${ctx.state.basePath ?? ''}`;
}
