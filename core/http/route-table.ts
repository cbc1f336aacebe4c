/**
 * The one table of declared routes (routes.ts), in the order requests are matched against them:
 * core contributions first, in binding order, then routes registered at run time. The router is
 * built from the table, and each route's access check is the first middleware of that very route,
 * so the check that runs is always the one declared beside the handler that answers.
 */
import Router, { type RouterMiddleware } from '@koa/router';
import type Koa from 'koa';
import { Disposable } from '../common/disposable.js';
import type { AuthService } from './http-server.js';
import { assertAccess } from './principal.js';
import { ROUTER_OPTIONS } from './request-path.js';
import type { DeclaredRoute, RouteAccess, RouteHandler, RouteMethod, Routes } from './routes.js';

interface Entry extends DeclaredRoute {
  readonly handlers: readonly RouteHandler[];
}

const READ_METHODS: readonly RouteMethod[] = ['GET'];

/**
 * The access of a declaration; a route declared without one (a plugin in plain JavaScript) may be
 * read by any authenticated caller and changed only by an admin: new routes are closed by default.
 */
export function accessOf(method: RouteMethod, access: RouteAccess | undefined): RouteAccess {
  if (typeof access === 'string' && access !== '') return access;
  if (access && typeof access === 'object' && Array.isArray(access.anyOf) && access.anyOf.length > 0) return access;
  return READ_METHODS.includes(method) ? 'authenticated' : 'ADMIN';
}

export class RouteTable {
  private readonly groups: Entry[][] = [];
  private built: { router: Router; middleware: Koa.Middleware; byName: Map<string, Entry> } | undefined;

  constructor(private readonly auth: Pick<AuthService, 'authenticateRequest'>) {}

  /** Adds the routes `install` declares, after those already there; dispose to remove them. */
  add(owner: string, install: (routes: Routes) => void): Disposable {
    const group: Entry[] = [];
    const declare =
      (method: RouteMethod) =>
      (path: string, access: RouteAccess, ...handlers: RouteHandler[]): void => {
        group.push({ owner, method, path, access: accessOf(method, access), handlers });
      };
    install({ get: declare('GET'), post: declare('POST'), put: declare('PUT'), patch: declare('PATCH'), delete: declare('DELETE'), all: declare('ALL') });
    this.groups.push(group);
    this.built = undefined;
    return Disposable.create(() => {
      const index = this.groups.indexOf(group);
      if (index >= 0) this.groups.splice(index, 1);
      this.built = undefined;
    });
  }

  table(): readonly DeclaredRoute[] {
    return this.groups.flat().map(({ owner, method, path, access }) => ({ owner, method, path, access }));
  }

  match(method: string, path: string): DeclaredRoute | undefined {
    const { router, byName } = this.build();
    const layer = router.match(path, method.toUpperCase()).pathAndMethod[0];
    const entry = layer?.name === undefined ? undefined : byName.get(layer.name);
    return entry && { owner: entry.owner, method: entry.method, path: entry.path, access: entry.access };
  }

  /** Serves a request with its route (after the route's access check), or passes it on when none matches. */
  readonly middleware: Koa.Middleware = (ctx, next) => this.build().middleware(ctx, next);

  private build(): NonNullable<RouteTable['built']> {
    if (this.built) return this.built;
    const router = new Router(ROUTER_OPTIONS);
    const byName = new Map<string, Entry>();
    this.groups.flat().forEach((entry, index) => {
      const name = `route-${index}`;
      byName.set(name, entry);
      const stack = [this.guard(entry.access), ...entry.handlers] as unknown as RouterMiddleware[];
      switch (entry.method) {
        case 'GET':
          router.get(name, entry.path, ...stack);
          break;
        case 'POST':
          router.post(name, entry.path, ...stack);
          break;
        case 'PUT':
          router.put(name, entry.path, ...stack);
          break;
        case 'PATCH':
          router.patch(name, entry.path, ...stack);
          break;
        case 'DELETE':
          router.delete(name, entry.path, ...stack);
          break;
        case 'ALL':
          router.all(name, entry.path, ...stack);
          break;
      }
    });
    this.built = { router, middleware: router.routes() as Koa.Middleware, byName };
    return this.built;
  }

  /** The declared access, checked before the route's own handlers. */
  private guard(access: RouteAccess): Koa.Middleware {
    if (access === 'public') return (_ctx, next) => next();
    return async (ctx, next) => {
      const principal = this.auth.authenticateRequest(ctx.headers, ctx.query, ctx.method) ?? undefined;
      assertAccess(principal, access);
      ctx.state.principal = principal;
      await next();
    };
  }
}
