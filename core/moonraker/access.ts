/**
 * Who a Moonraker client is: cuttle's own key or session (the same lookups as the REST API), the
 * JWT of `access.login` (standing for a cuttle session, as `Authorization: Bearer` or
 * `?access_token=`, refreshed with `access.refresh_jwt`, expiring as Moonraker's do), a
 * one-shot token from `access.oneshot_token` (`?token=`, as Moonraker's), or a trusted network
 * (`moonraker.trustedClients`, off by default). A session cookie counts only from the same origin,
 * and a trusted address only from the same origin or one `server.cors` allows: another site's page
 * must not ride on the browser's cookie or on its network.
 */
import { createHash, randomBytes } from 'node:crypto';
import type http from 'node:http';
import { inject, injectable } from 'inversify';
import { AuthManager, type AuthPrincipal } from '../auth/api.js';
import { permissionsOfGroups } from '../auth/permissions.js';
import type { Principal } from '../http/http-server.js';
import { SettingsService } from '../settings/settings-service.js';
import { serverSettings } from '../http/settings.js';
import { RequestOriginSource } from '../http/base-url.js';
import { moonrakerSettings, trustedNetworks } from './settings.js';
import { inNetworks } from '../common/networks.js';
import { signToken, verifyToken, type TokenType } from './jwt.js';

const ONESHOT_TTL_MS = 5_000;
/** a refresh token's own limit; the session it names usually ends first (cuttle's idle timeout) */
const REFRESH_LIFETIME_S = 90 * 24 * 3600;
const MAX_TOKEN_SESSIONS = 10_000;
const MAX_ONESHOTS = 1000;

@injectable()
export class MoonrakerAccess {
  private readonly oneshots = new Map<string, { principal: Principal; expires: number }>();
  private networks: { list: string; matcher: ReturnType<typeof trustedNetworks> } | undefined;
  /** the key JWTs are signed with: drawn at start, as cuttle's sessions live in memory too */
  private readonly tokenKey = randomBytes(32);
  /** access tokens' session digests → sessions */
  private readonly tokenSessions = new Map<string, { username: string; session: string }>();

  constructor(
    @inject(AuthManager) private readonly auth: AuthManager,
    @inject(SettingsService) private readonly settings: SettingsService,
    @inject(RequestOriginSource) private readonly origins: RequestOriginSource,
  ) {}

  /**
   * No Origin (not a browser), or the one the host decides for this request (base-url.ts: a public
   * URL, the proxy's forwarded host, an allowed Host): a spoofed `Host` names no origin of ours.
   */
  private sameOrigin(req: http.IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (!origin) return true;
    try {
      return new URL(origin).origin === new URL(this.origins.originOf(req)).origin;
    } catch {
      return false;
    }
  }

  /** The principal of a request or websocket upgrade, or null. */
  principalOf(req: http.IncomingMessage, query: URLSearchParams): Principal | null {
    const token = query.get('token');
    if (token) {
      const oneshot = this.takeOneshot(token);
      if (oneshot) return oneshot;
      const byKey = this.auth.authenticateKey(token);
      if (byKey) return byKey;
    }
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? query.get('access_token');
    if (bearer) return this.principalOfToken(bearer);
    const sameOrigin = this.sameOrigin(req);
    const headers = sameOrigin ? req.headers : { ...req.headers, cookie: undefined };
    const authenticated = this.auth.authenticateRequest(headers, Object.fromEntries(query));
    if (authenticated) return authenticated;
    // a page from another site, opened by a browser on a trusted network, is not trusted with it
    return sameOrigin || this.corsAllows(req.headers.origin) ? this.trusted(this.clientAddress(req)) : null;
  }

  /**
   * The client's address: the peer's, or behind a proxy of `server.trustedProxies` the one that proxy
   * appended to X-Forwarded-For (none when it sent none: the proxy's own address trusts nobody).
   */
  clientAddress(req: http.IncomingMessage): string {
    const peer = req.socket.remoteAddress ?? '';
    const proxies = this.settings.of(serverSettings).get().trustedProxies;
    if (proxies.length === 0 || !inNetworks(trustedNetworks(proxies), peer)) return peer;
    const forwarded = req.headers['x-forwarded-for'];
    const hops = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? '')).split(',').map((a) => a.trim()).filter(Boolean);
    return hops[hops.length - 1] ?? '';
  }

  /** an Origin that `server.cors` lets in (its list, or any when the list is empty) */
  private corsAllows(origin: string | undefined): boolean {
    const { cors } = this.settings.of(serverSettings).get();
    return origin !== undefined && cors.enabled && (cors.origins.length === 0 || cors.origins.includes(origin));
  }

  /**
   * `access.login`: cuttle's password login (its per-address limit included), a new cuttle session,
   * and Moonraker's pair of JWTs for it: the access token (`moonraker.tokenLifetime`, an hour) and
   * the refresh token that gets new ones while the session lives.
   */
  async login(username: string, password: string, address: string): Promise<{ principal: AuthPrincipal; token: string; refreshToken: string }> {
    const principal = await this.auth.login(username, password, address);
    const session = this.auth.createSession(principal, { password: true });
    return { principal, token: this.accessToken(principal.name, session), refreshToken: this.token(principal.name, 'refresh', session, REFRESH_LIFETIME_S) };
  }

  /** `access.refresh_jwt`: a new access token for a refresh token whose session lives; null otherwise. */
  refresh(refreshToken: string): { username: string; token: string } | null {
    const claims = verifyToken(refreshToken, this.tokenKey, 'refresh');
    if (!claims || !this.auth.authenticateSession(claims.username, claims.sid)) return null;
    return { username: claims.username, token: this.accessToken(claims.username, claims.sid) };
  }

  /** Ends the session an access token stands for (`access.logout`); false when it stands for none. */
  logout(token: string): boolean {
    const session = this.sessionOfAccessToken(token);
    if (session) this.auth.revokeSession(session);
    return session !== null;
  }

  /** The principal of an access token (`Authorization: Bearer`, `?access_token=`, identify's `access_token`), or null. */
  principalOfToken(token: string): AuthPrincipal | null {
    const claims = verifyToken(token, this.tokenKey, 'access');
    const entry = claims ? this.tokenSessions.get(claims.sid) : undefined;
    return claims && entry?.username === claims.username ? this.auth.authenticateSession(claims.username, entry.session) : null;
  }

  private sessionOfAccessToken(token: string): string | null {
    const claims = verifyToken(token, this.tokenKey, 'access');
    return (claims && this.tokenSessions.get(claims.sid)?.session) ?? null;
  }

  /**
   * An access token names its session by a digest (the session id itself would outlive the token's
   * hour); the digests are remembered here, and made again by a refresh after a restart.
   */
  private accessToken(username: string, session: string): string {
    const sid = createHash('sha256').update(session).digest('base64url').slice(0, 32);
    if (this.tokenSessions.size >= MAX_TOKEN_SESSIONS) {
      for (const [digest, entry] of this.tokenSessions) if (!this.auth.authenticateSession(entry.username, entry.session)) this.tokenSessions.delete(digest);
      if (this.tokenSessions.size >= MAX_TOKEN_SESSIONS) this.tokenSessions.delete(this.tokenSessions.keys().next().value!);
    }
    this.tokenSessions.set(sid, { username, session });
    return this.token(username, 'access', sid, this.settings.of(moonrakerSettings).get().tokenLifetime);
  }

  private token(username: string, type: TokenType, sid: string, lifetimeS: number): string {
    const now = Math.floor(Date.now() / 1000);
    return signToken({ iss: 'cuttle', aud: 'Moonraker', iat: now, exp: now + lifetimeS, username, token_type: type, sid }, this.tokenKey);
  }

  /** A token that lets its holder in once, within a few seconds (Moonraker's `access.oneshot_token`). */
  oneshot(principal: Principal): string {
    const now = Date.now();
    for (const [token, entry] of this.oneshots) if (entry.expires < now) this.oneshots.delete(token);
    if (this.oneshots.size >= MAX_ONESHOTS) this.oneshots.delete(this.oneshots.keys().next().value!);
    const token = randomBytes(24).toString('base64url');
    this.oneshots.set(token, { principal, expires: now + ONESHOT_TTL_MS });
    return token;
  }

  private takeOneshot(token: string): Principal | null {
    const entry = this.oneshots.get(token);
    if (!entry) return null;
    this.oneshots.delete(token);
    return entry.expires >= Date.now() ? entry.principal : null;
  }

  /** a client from a trusted network: the users group's permissions, as Moonraker lets trusted clients in */
  private trusted(address: string): Principal | null {
    const list = this.settings.of(moonrakerSettings).get().trustedClients;
    if (list.length === 0) return null;
    const key = JSON.stringify(list);
    if (this.networks?.list !== key) this.networks = { list: key, matcher: trustedNetworks(list) };
    if (!inNetworks(this.networks.matcher, address)) return null;
    return { name: '_trusted', admin: false, groups: ['users'], permissions: permissionsOfGroups(['users']), via: 'anonymous' };
  }
}

