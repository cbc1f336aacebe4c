/**
 * Koa middleware for route files: `router.post('/api/job', requirePermission('PRINT'), handler)`.
 * Reads `ctx.state.principal` (set by the HTTP server for authenticated routes, or by `authenticate`
 * below on routes that resolve it themselves) and answers 403 when a permission is missing.
 */
import type Koa from 'koa';
import { HttpError } from './http-error.js';
import type { AuthService, Principal } from './http-server.js';

export interface PrincipalState {
  principal?: Principal;
}

export function principalOf(ctx: Koa.Context): Principal | undefined {
  return (ctx.state as PrincipalState).principal;
}

export function hasPermissions(principal: Principal | undefined, permissions: readonly string[]): boolean {
  if (!principal) return false;
  return principal.admin || permissions.every((p) => principal.permissions.includes(p));
}

/** 403 unless the request's principal holds every one of `permissions` (admins hold all). */
export function requirePermission(...permissions: string[]): Koa.Middleware {
  return async (ctx, next) => {
    const principal = principalOf(ctx);
    if (!principal) throw new HttpError(403, 'Authentication required');
    if (!hasPermissions(principal, permissions)) throw new HttpError(403, `Missing permission: ${permissions.filter((p) => !principal.permissions.includes(p)).join(', ')}`);
    await next();
  };
}

/** Sets `ctx.state.principal` from the request when the server did not (public routes); never refuses. */
export function authenticate(auth: AuthService): Koa.Middleware {
  return async (ctx, next) => {
    const state = ctx.state as PrincipalState;
    state.principal ??= auth.authenticateRequest(ctx.headers, ctx.query) ?? undefined;
    await next();
  };
}
