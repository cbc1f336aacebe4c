/**
 * The client's base URL, for absolute URLs in answers (refs, Location, downloads). `requestOrigin` is
 * the one place that decides a request's scheme and host: `server.publicUrl` when it is set, the
 * request's `Host` only when `server.allowedHosts` (by default the host's own names and addresses)
 * lists it, else the address the host listens on. A forged `Host: evil.example` never reaches an
 * answer. The base path is the one the client's base has on this connection.
 */
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
  /** false on a printer's own `listen` port: a public URL is the main port's */
  readonly mainPort: boolean;
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

/** The host's own URL for a port it listens on (`server.host`; a wildcard shown as 127.0.0.1). */
export function ownOrigin(listenHost: string, port: number): string {
  const shown = listenHost === '0.0.0.0' || listenHost === '::' ? '127.0.0.1' : listenHost.includes(':') ? `[${listenHost}]` : listenHost;
  return `http://${shown}:${port}`;
}

/** The origin (and a public URL's path) of a request's base URL: the one function that decides it. */
export function requestOrigin(request: OriginRequest, policy: OriginPolicy): string {
  if (policy.publicUrl !== '' && request.mainPort) return policy.publicUrl;
  const hostname = hostnameOf(request.host);
  if (hostname !== null && policy.allowedHosts.has(hostname)) return `${request.protocol}://${request.host}`;
  return request.ownOrigin;
}

/** `<origin><basePath>`: the origin the server decided for this request (`ctx.state.origin`). */
export function baseUrlOf(ctx: Pick<Koa.Context, 'state'>): string {
  if (ctx.state.origin === undefined) throw new Error('the request has no origin: the server sets ctx.state.origin before routing');
  return `${ctx.state.origin}${ctx.state.basePath ?? ''}`;
}
