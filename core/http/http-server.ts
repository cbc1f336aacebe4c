/**
 * The web server contract: one koa application and one node http.Server shared by the REST API,
 * the push channels and the web app; and who a request is (`Principal`, resolved by the
 * `AuthService` that core/auth binds). Routes are declared through routes.ts.
 */
import type http from 'node:http';

export interface HttpServer {
  /** the node server (socket.io and SockJS attach to it) */
  readonly server: http.Server;
  /** the port actually listened on (after start) */
  readonly port: number;
  /** e.g. http://127.0.0.1:5000 */
  baseUrl(): string;
  /** the certificate and key the main port serves HTTPS with (`server.tls`), for other ports to serve alike; undefined for HTTP */
  readonly tls: TlsFiles | undefined;
}

export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
}
export const HttpServer = Symbol.for('cuttle.HttpServer');

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
  /**
   * The principal for a request's headers/query, or null when none or invalid. Given the request's
   * method, a change authenticated by the session cookie alone is refused (403) without its CSRF token.
   */
  authenticateRequest(headers: Record<string, string | string[] | undefined>, query: Record<string, unknown>, method?: string): Principal | null;
  /** true when config says keys are not required (api.requireKey: false) */
  readonly open: boolean;
  /**
   * Has this principal's password been checked recently enough for a dangerous request (a restore,
   * a backup's download)? As OctoPrint's `credentials_checked_recently`: only a session a password
   * made is asked; an API key is the credential itself, given with every request.
   */
  credentialsCheckedRecently(principal: Principal): boolean;
}
export const AuthService = Symbol.for('cuttle.AuthService');
