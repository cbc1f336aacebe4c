/**
 * OctoPrint's login endpoints: passive login (`POST /api/login {"passive": true}` or
 * `GET /api/login?passive=true&apikey=…`) turns the caller's key into a session for the push socket;
 * active login checks `user`/`pass` (rate-limited per address) and sets the session cookie; sent
 * with the session of the same user, it re-authenticates that session instead (OctoPrint's answer
 * to "enter your password again" before a restore), so its push sockets and cookie go on.
 * Also `/api/logout` and `/api/currentuser`.
 */
import type Koa from 'koa';
import { HttpError } from '../http/http-error.js';
import type { Principal } from '../http/http-server.js';
import { LoginError, type AuthManager, type AuthPrincipal } from './api.js';
import { SESSION_COOKIE, sessionFromCookie } from './auth-manager.js';
import { rolesOf } from './permissions.js';
import { csrfTokenOf } from './csrf.js';
import { authenticate, principalOf } from '../http/principal.js';
import { readJsonObject } from '../http/request-body.js';
import { readText } from '../http/request-body.js';
import { type Routes } from '../http/routes.js';

/** The body OctoPrint answers a login with (keys as its `/api/login`). */
export function loginResponse(principal: Principal, session: string, login: { mechanism: string; credentialsSeen: Date }, hasPassword: boolean): Record<string, unknown> {
  return {
    _is_external_client: false,
    _login_mechanism: login.mechanism,
    // OctoPrint: seconds, UTC, or false when never (its web UI counts down to the next password prompt from it)
    _credentials_seen: login.credentialsSeen.getTime() > 0 ? login.credentialsSeen.toISOString().replace(/\.\d+Z$/, '+00:00') : false,
    name: principal.name,
    active: true,
    admin: principal.admin,
    apikey: null,
    groups: principal.groups,
    has_password: hasPassword,
    // OctoPrint lists only permissions given to the user directly here; group ones are in `needs`
    permissions: [],
    needs: { group: principal.groups, role: rolesOf(principal.permissions) },
    roles: principal.admin ? ['user', 'admin'] : ['user'],
    session,
    settings: {},
  };
}

/** Login bodies come as JSON or, from older clients and plain forms, urlencoded; `passive` may be in the query. */
async function loginBody(ctx: Koa.Context): Promise<Record<string, unknown>> {
  const body = ctx.is('application/x-www-form-urlencoded') ? Object.fromEntries(new URLSearchParams(await readText(ctx))) : await readJsonObject(ctx);
  return { passive: ctx.query['passive'], ...body };
}

function hasPassword(auth: AuthManager, name: string): boolean {
  return !!auth.users.find(name)?.password;
}

/** Public routes: they resolve the principal themselves (an active login has no key yet). */
export function installLoginRoutes(routes: Routes, auth: AuthManager): void {
  const passive = (ctx: Koa.Context) => {
    const principal = principalOf(ctx) as AuthPrincipal | undefined;
    if (!principal) throw new HttpError(403, 'A valid API key or session is required');
    const session = principal.session ?? auth.createSession(principal);
    ctx.body = loginResponse(principal, session, auth.loginMechanism({ ...principal, session }), hasPassword(auth, principal.name));
  };

  routes.get('/api/login', 'public', authenticate(auth), (ctx) => passive(ctx));

  routes.post('/api/login', 'public', authenticate(auth), async (ctx) => {
    const body = await loginBody(ctx);
    if (body['passive'] && body['passive'] !== 'false') return passive(ctx);
    const { user, pass } = body;
    if (typeof user !== 'string' || typeof pass !== 'string') throw new HttpError(400, 'Expected "user" and "pass", or "passive"');
    let principal: AuthPrincipal;
    try {
      principal = await auth.login(user, pass, ctx.ip);
    } catch (err) {
      if (!(err instanceof LoginError)) throw err;
      if (err.retryAfterMs) ctx.set('Retry-After', String(Math.ceil(err.retryAfterMs / 1000)));
      throw new HttpError(err.status, err.message);
    }
    const current = (principalOf(ctx) as AuthPrincipal | undefined)?.session;
    const session = current && principalOf(ctx)!.name === principal.name && auth.passwordCheckedAgain(current) ? current : auth.createSession(principal, { password: true });
    ctx.cookies.set(SESSION_COOKIE, session, { httpOnly: true, sameSite: 'lax', overwrite: true });
    // for a client that goes on with the cookie alone: it sends this back as X-CSRF-Token with its changes
    ctx.body = { ...loginResponse(principal, session, { mechanism: 'password', credentialsSeen: new Date() }, true), csrfToken: csrfTokenOf(session) };
  });

  routes.post('/api/logout', 'public', authenticate(auth), (ctx) => {
    const principal = principalOf(ctx) as AuthPrincipal | undefined;
    const session = principal?.session ?? sessionFromCookie(ctx.headers.cookie);
    if (session) auth.revokeSession(session);
    ctx.cookies.set(SESSION_COOKIE, null);
    ctx.status = 204;
  });
}

/** Authenticated routes. */
export function installCurrentUserRoutes(routes: Routes): void {
  routes.get('/api/currentuser', 'authenticated', (ctx) => {
    const principal = principalOf(ctx)!;
    ctx.body = { name: principal.name, permissions: principal.permissions, groups: principal.groups };
  });
}
