/**
 * The request's principal and what it may do: the one check every route's declared access goes
 * through (route-table.ts), and the same check for the few decisions that depend on the body
 * (a file upload that also prints needs PRINT).
 */
import type Koa from 'koa';
import { HttpError } from './http-error.js';
import type { AuthService, Principal } from './http-server.js';
import type { PermissionKey, RouteAccess } from './routes.js';

declare module 'koa' {
  interface DefaultState {
    /** who made the request: set for every route but public ones (and on those when `authenticate` ran) */
    principal?: Principal;
  }
}

export function principalOf(ctx: Pick<Koa.Context, 'state'>): Principal | undefined {
  return ctx.state.principal;
}

/** true when the principal holds every one of `permissions` (admins hold all). */
export function hasPermissions(principal: Principal | undefined, permissions: readonly PermissionKey[]): boolean {
  if (!principal) return false;
  return principal.admin || permissions.every((p) => principal.permissions.includes(p));
}

/** The permissions (any one of) an access declaration needs; empty for any caller. */
export function permissionsOf(access: RouteAccess): readonly PermissionKey[] {
  if (access === 'public' || access === 'authenticated') return [];
  return typeof access === 'string' ? [access] : access.anyOf;
}

/** Throws 403 unless the principal may call a route declared with `access`. */
export function assertAccess(principal: Principal | undefined, access: RouteAccess): void {
  if (access === 'public') return;
  if (!principal) throw new HttpError(403, 'A valid API key or session is required');
  const anyOf = permissionsOf(access);
  if (principal.admin || anyOf.length === 0 || anyOf.some((p) => principal.permissions.includes(p))) return;
  throw new HttpError(403, `Insufficient permissions: needs ${anyOf.join(' or ')}`);
}

/** 403 unless the request's principal holds `permission`: for checks that depend on what the body asks. */
export function assertPermission(ctx: Pick<Koa.Context, 'state'>, permission: PermissionKey): void {
  assertAccess(principalOf(ctx), permission);
}

/**
 * A route's check, after its declared access, that the caller's password was entered recently
 * (OctoPrint's `require_credentials_checked_recently`, for a restore or a backup's download): else
 * 403 `{"error", "reauthenticate": true}`, on which a client asks for the password and sends it
 * with its session to `POST /api/login` (`{"user", "pass"}`), then tries again.
 */
export function requireRecentCredentials(auth: Pick<AuthService, 'credentialsCheckedRecently'>): Koa.Middleware {
  return async (ctx, next) => {
    ensureRecentCredentials(auth, ctx);
    await next();
  };
}

/** The same check inside a handler, for a route that asks it only in some cases. */
export function ensureRecentCredentials(auth: Pick<AuthService, 'credentialsCheckedRecently'>, ctx: Koa.Context): void {
  const principal = principalOf(ctx);
  if (!principal || !auth.credentialsCheckedRecently(principal)) {
    throw new HttpError(403, 'Please reauthenticate with your credentials: enter your password again (POST /api/login with "user" and "pass" and this session) to go on', { reauthenticate: true });
  }
}

/** Sets `ctx.state.principal` from the request on a public route; never refuses. */
export function authenticate(auth: AuthService): Koa.Middleware {
  return async (ctx, next) => {
    ctx.state.principal ??= auth.authenticateRequest(ctx.headers, ctx.query) ?? undefined;
    await next();
  };
}
