/**
 * The client's base URL, for absolute URLs in answers (refs, Location, downloads): the scheme and
 * host it used and the path its base has on this connection, so they lead back the way it came.
 */
import type Koa from 'koa';

declare module 'koa' {
  interface DefaultState {
    /**
     * The path the client's base URL has on this connection ('' at the root of a port; a prefix such
     * as `/printer/<id>` when a middleware stripped one from the request's path).
     */
    basePath?: string;
  }
}

/** koa's ctx.origin is "null" without a URL base: the protocol and host are read one by one. */
export function baseUrlOf(ctx: Pick<Koa.Context, 'protocol' | 'host' | 'state'>): string {
  return `${ctx.protocol}://${ctx.host}${ctx.state.basePath ?? ''}`;
}
