/**
 * What a service adds to every request before it is routed (a contribution point), so that the
 * server needs to know no domain: core/printers contributes the printer prefix (`/printer/<id>/…`
 * is printer `<id>`'s surface) this way.
 */
import type Koa from 'koa';

export interface RequestContribution {
  /** service name, for logs */
  readonly owner: string;
  /**
   * Maps a raw URL path onto the path its client meant, before koa, SockJS or socket.io read it
   * (requests and websocket upgrades alike); returns the path unchanged when nothing applies.
   */
  canonicalPath?(path: string): string;
  /**
   * Runs for every request before its route is matched: `ctx.path` is normalised (request-path.ts);
   * `ctx.originalUrl` still holds the path as the client sent it.
   */
  readonly middleware?: Koa.Middleware;
}
export const RequestContribution = Symbol.for('cuttle.RequestContribution');

/** Resolves the bound contributions when called (at server start, after every module is loaded). */
export type RequestContributionProvider = () => RequestContribution[];
export const RequestContributionProvider = Symbol.for('cuttle.RequestContributionProvider');

/** One middleware that runs `list` in order, each passing on to the next by calling `next`. */
export function chainMiddleware(list: readonly Koa.Middleware[]): Koa.Middleware {
  return (ctx, next) => {
    const run = async (index: number): Promise<void> => {
      const middleware = list[index];
      if (!middleware) return next();
      await middleware(ctx, () => run(index + 1));
    };
    return run(0);
  };
}
