/**
 * OctoPrint's application-key flow (its appkeys plugin): probe, request (201 with `app_token`,
 * `auth_dialog` and the polling URL in `Location`), poll (202 pending, 200 with the key once, 404
 * when denied/expired/unknown), the decision by `user_token` (pushed to web clients as an `appkeys`
 * plugin message), a small auth dialog page, and key listing/generation/revocation. The public
 * routes are cheap: requests are capped (429 past the cap) and kept in memory (pending-appkeys.ts).
 * As in OctoPrint, a session whose password is not recent (accessControl.reauthenticationTimeoutMinutes)
 * sees keys listed without their value, and must enter it again to decide, generate or revoke: a key
 * is a credential that is never asked again, so handing one out is as strong as the password.
 */
import { baseUrlOf } from '../http/base-url.js';
import { HttpError } from '../http/http-error.js';
import { readJsonObject } from '../http/request-body.js';
import type { AuthManager, AuthPrincipal } from './api.js';
import { AppKeyRequestError, type AppKeyRequest } from './appkey-requests.js';
import { AppKeyRequestLimit } from './pending-appkeys.js';
import { ensureRecentCredentials, hasPermissions, principalOf } from '../http/principal.js';
import { authDialogPage } from './appkeys-dialog.js';
import { type Routes } from '../http/routes.js';

const APP_NAME = /^[\p{L}\p{N} ._()+:/@-]{1,100}$/u;

function appName(value: unknown): string {
  if (typeof value !== 'string' || !APP_NAME.test(value)) throw new HttpError(400, 'Expected "app": a name of up to 100 letters, digits, spaces and ._()+:/@-');
  return value;
}

/** Served without a key: apps use these to obtain one. */
export function installAppKeyPublicRoutes(routes: Routes, auth: AuthManager): void {
  routes.get('/plugin/appkeys/probe', 'public', (ctx) => {
    ctx.status = 204;
  });

  routes.post('/plugin/appkeys/request', 'public', async (ctx) => {
    const body = await readJsonObject(ctx);
    const app = appName(body['app']);
    const user = typeof body['user'] === 'string' && body['user'] ? body['user'] : undefined;
    let request: AppKeyRequest;
    try {
      request = auth.appKeyRequests.create(app, user, ctx.ip);
    } catch (err) {
      if (!(err instanceof AppKeyRequestLimit)) throw err;
      ctx.set('Retry-After', String(Math.ceil(auth.options.appKeyPollTimeoutMs / 1000)));
      throw new HttpError(429, err.message);
    }
    ctx.status = 201;
    ctx.set('Location', `${baseUrlOf(ctx)}/plugin/appkeys/request/${request.token}`);
    ctx.body = { app_token: request.token, auth_dialog: `${baseUrlOf(ctx)}/plugin/appkeys/auth/${request.token}` };
  });

  routes.get('/plugin/appkeys/request/:token', 'public', async (ctx) => {
    const result = await auth.appKeyRequests.poll(ctx.params['token']!);
    if (result.status === 'unknown') throw new HttpError(404, 'No such request (denied, expired or unknown)');
    if (result.status === 'pending') {
      ctx.status = 202;
      ctx.body = {};
    } else ctx.body = { api_key: result.key };
  });

  routes.get('/plugin/appkeys/auth/:token', 'public', (ctx) => {
    const request = auth.appKeyRequests.find(ctx.params['token']!);
    if (!request || request.token !== ctx.params['token']) throw new HttpError(404, 'No such request (denied, expired or unknown)');
    ctx.type = 'text/html; charset=utf-8';
    ctx.set('Content-Security-Policy', "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'");
    ctx.body = authDialogPage(request);
  });
}

/** A key as listed: its value only for a principal whose password is recent (OctoPrint's `external(incl_key)`). */
function keyEntry(app: string, key: string, user: string, withKey = true) {
  return { ...(withKey ? { api_key: key } : {}), app_id: app, user_id: user };
}

/** The user a command is about: oneself, or (admins only) the one named in `user`. */
function subjectOf(principal: AuthPrincipal, requested: unknown): string {
  if (typeof requested !== 'string' || !requested || requested === principal.name) return principal.name;
  if (!hasPermissions(principal, ['PLUGIN_APPKEYS_ADMIN'])) throw new HttpError(403, 'Only key admins may act for another user');
  return requested;
}

/** Needs a key: deciding on requests and managing keys. */
export function installAppKeyAdminRoutes(routes: Routes, auth: AuthManager): void {
  routes.post('/plugin/appkeys/decision/:token', 'PLUGIN_APPKEYS_GRANT', async (ctx) => {
    ensureRecentCredentials(auth, ctx);
    const body = await readJsonObject(ctx);
    if (typeof body['decision'] !== 'boolean') throw new HttpError(400, 'Expected "decision": true or false');
    const principal = principalOf(ctx) as AuthPrincipal;
    const request = auth.appKeyRequests.find(ctx.params['token']!);
    if (!request) throw new HttpError(404, 'No such pending request');
    const isUser = !!auth.users.find(principal.name);
    if (request.user && isUser && request.user !== principal.name && !principal.admin) throw new HttpError(403, 'The app asked for another user');
    // a user approves for themselves; an admin or the global key for whom the app asked
    const owner = principal.admin && request.user ? request.user : isUser ? principal.name : undefined;
    try {
      auth.appKeyRequests.decide(request.token, body['decision'], owner);
    } catch (err) {
      if (err instanceof AppKeyRequestError) throw new HttpError(409, err.message);
      throw err;
    }
    ctx.status = 204;
  });

  routes.get('/api/plugin/appkeys', 'PLUGIN_APPKEYS_GRANT', (ctx) => {
    const principal = principalOf(ctx) as AuthPrincipal;
    const withKey = auth.credentialsCheckedRecently(principal);
    if (typeof ctx.query['app'] === 'string') {
      const user = subjectOf(principal, ctx.query['user']);
      const key = auth.users.keyForApp(user, ctx.query['app']);
      if (!key) throw new HttpError(404, 'No key for that app');
      ctx.body = keyEntry(key.app, key.key, user, withKey);
      return;
    }
    const all = ctx.query['all'] !== undefined && hasPermissions(principal, ['PLUGIN_APPKEYS_ADMIN']);
    const mine = (user: string | undefined) => all || user === principal.name;
    ctx.body = {
      keys: auth.users.list().filter((u) => mine(u.name)).flatMap((u) => u.apikeys.map((k) => keyEntry(k.app, k.key, u.name, withKey))),
      pending: auth.appKeyRequests
        .pending()
        .filter((r) => mine(r.user) || !r.user)
        .map((r) => ({ app_id: r.app, user_id: r.user ?? null, user_token: r.userToken })),
    };
  });

  routes.post('/api/plugin/appkeys', 'PLUGIN_APPKEYS_GRANT', async (ctx) => {
    const principal = principalOf(ctx) as AuthPrincipal;
    ensureRecentCredentials(auth, ctx);
    const body = await readJsonObject(ctx);
    if (body['command'] === 'generate') {
      const user = subjectOf(principal, body['user']);
      if (!auth.users.find(user)) throw new HttpError(409, `"${user}" is not a user and cannot own application keys`);
      const app = appName(body['app']);
      ctx.body = keyEntry(app, auth.users.addKey(user, app), user);
      return;
    }
    if (body['command'] === 'revoke') {
      let key = typeof body['key'] === 'string' ? body['key'] : undefined;
      if (!key) key = auth.users.keyForApp(subjectOf(principal, body['user']), appName(body['app']))?.key;
      const owner = key ? auth.users.findKey(key)?.user.name : undefined;
      if (!key || !owner || (owner !== principal.name && !hasPermissions(principal, ['PLUGIN_APPKEYS_ADMIN']))) throw new HttpError(404, 'No such key');
      auth.revokeKey(key);
      ctx.status = 204;
      return;
    }
    throw new HttpError(400, 'Unknown command, expected "generate" or "revoke"');
  });
}
