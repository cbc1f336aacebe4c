/**
 * How services and plugins add REST routes, each route declaring who may call it:
 *
 *   routes.get('/api/job', 'STATUS', handler);                      // holders of STATUS (admins hold all)
 *   routes.get('/api/connection', anyOf('STATUS', 'CONNECTION'), h); // any one of these
 *   routes.get('/api/currentuser', 'authenticated', handler);        // any valid key or session
 *   routes.post('/plugin/appkeys/request', 'public', handler);       // no key (keep it cheap and capped)
 *
 * The server derives one table from these declarations (route-table.ts): the router and the
 * permission check are built from it, so a route cannot be served under a check meant for another.
 * Core services implement `RouteContribution` and bind it in their ContainerModule:
 *
 *   bind(SettingsRoutes).toSelf().inSingletonScope();
 *   bind(RouteContribution).toService(SettingsRoutes);
 *
 * Plugins, whose routes come and go at run time, pass the same declarations to `HttpRoutes.register`.
 */
import type Koa from 'koa';
import type { Disposable } from '../common/disposable.js';

/** An OctoPrint permission key: STATUS, CONNECTION, FILES_UPLOAD, PRINT, CONTROL, SETTINGS, … */
export type PermissionKey = string;

/** Any one of several permissions suffices. */
export interface AnyOf {
  readonly anyOf: readonly PermissionKey[];
}

/** Who may call a route: holders of a permission, of any one of several, any authenticated caller, or anyone. */
export type RouteAccess = PermissionKey | AnyOf | 'authenticated' | 'public';

export function anyOf(...permissions: PermissionKey[]): AnyOf {
  return { anyOf: permissions };
}

/** A request as a route handler sees it: koa's context with the path's named parameters. */
export type RouteContext = Koa.ParameterizedContext<Koa.DefaultState, Koa.DefaultContext & { params: Record<string, string> }>;
/** A route's handler; several run in order when each calls `next`. */
export type RouteHandler = (ctx: RouteContext, next: Koa.Next) => unknown;

export type RouteMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'ALL';

/**
 * Declares routes. Paths use `:name` for a segment and `*name` for the rest of the path (as in
 * `/api/files/:origin/*path`); case is significant. GET also answers HEAD.
 */
export interface Routes {
  get(path: string, access: RouteAccess, ...handlers: RouteHandler[]): void;
  post(path: string, access: RouteAccess, ...handlers: RouteHandler[]): void;
  put(path: string, access: RouteAccess, ...handlers: RouteHandler[]): void;
  patch(path: string, access: RouteAccess, ...handlers: RouteHandler[]): void;
  delete(path: string, access: RouteAccess, ...handlers: RouteHandler[]): void;
  /** every method (a protocol that routes by itself, such as SockJS) */
  all(path: string, access: RouteAccess, ...handlers: RouteHandler[]): void;
}

export interface RouteContribution {
  /** service name, for logs and the route table */
  readonly owner: string;
  registerRoutes(routes: Routes): void;
}
export const RouteContribution = Symbol.for('cuttle.RouteContribution');

/** Resolves the bound contributions when called (at server start, after every module is loaded). */
export type RouteContributionProvider = () => RouteContribution[];
export const RouteContributionProvider = Symbol.for('cuttle.RouteContributionProvider');

/** One declared route, as the table lists it. */
export interface DeclaredRoute {
  readonly owner: string;
  readonly method: RouteMethod;
  readonly path: string;
  readonly access: RouteAccess;
}

/** Routes added at run time (plugins, push transports); checked exactly as the core's. */
export interface HttpRoutes {
  /** Adds the routes `install` declares; dispose to remove them. */
  register(owner: string, install: (routes: Routes) => void): Disposable;
  /** every declared route, in the order requests are matched against them */
  table(): readonly DeclaredRoute[];
  /** the route a request would be served by (after the server's path normalisation), or undefined */
  match(method: string, path: string): DeclaredRoute | undefined;
}
export const HttpRoutes = Symbol.for('cuttle.HttpRoutes');
