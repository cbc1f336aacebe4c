/**
 * The web server contract: one koa application and one node http.Server shared by the REST API,
 * the push channels and the status page. Routes are contributed by services and plugins through
 * `HttpRoutes`; every route is behind API-key authentication unless registered as public.
 */
import type http from 'node:http';
import type Router from '@koa/router';
import type { Disposable } from '../common/disposable.js';

export interface HttpServer {
  /** the node server (socket.io and SockJS attach to it) */
  readonly server: http.Server;
  /** the port actually listened on (after start) */
  readonly port: number;
  /** e.g. http://127.0.0.1:5000 */
  baseUrl(): string;
}
export const HttpServer = Symbol.for('cuttle.HttpServer');

export interface RouteOptions {
  /** plugin id or service name, for logs */
  owner: string;
  /** served without a key (e.g. the status page's HTML, /api/version is NOT public) */
  public?: boolean;
}

export interface HttpRoutes {
  /** Lets `install` add routes to a fresh router mounted at the root; dispose to unmount. */
  register(install: (router: Router) => void, options: RouteOptions): Disposable;
}
export const HttpRoutes = Symbol.for('cuttle.HttpRoutes');

/** Who made a request (or opened a socket): resolved from the API key or session. */
export interface Principal {
  name: string;
  admin: boolean;
  groups: string[];
  /** OctoPrint's permission keys: STATUS, CONNECTION, FILES_UPLOAD, PRINT, CONTROL, SETTINGS, … */
  permissions: string[];
  /** how the principal was authenticated */
  via: 'apikey' | 'session' | 'anonymous';
}

export interface AuthService {
  /** The principal for a key (global key, user's key, app key), or null. */
  authenticateKey(key: string): Principal | null;
  /** The principal for a request's headers/query, or null when none or invalid. */
  authenticateRequest(headers: Record<string, string | string[] | undefined>, query: Record<string, unknown>): Principal | null;
  /** Throws HttpError 403 when the principal may not call this method on this path. */
  authorize(method: string, path: string, principal: Principal): void;
  /** true when config says keys are not required (api.requireKey: false) */
  readonly open: boolean;
}
export const AuthService = Symbol.for('cuttle.AuthService');
