/**
 * OctoPrint's application-key flow (its appkeys plugin): probe, request, poll (202 pending,
 * 200 with the key once, 404 when denied/expired/unknown), and the decision and key management
 * endpoints an approving user or the status page calls.
 */
import type Router from '@koa/router';
import { HttpError } from '../../server/http-error.js';
import { AppKeyRequestError } from '../appkey-requests.js';
import type { AuthManager, AuthPrincipal } from '../api.js';
import { principalOf, requirePermission } from '../require-permission.js';
import { readJsonObject } from '../../server/routes/request.js';

const APP_NAME = /^[\p{L}\p{N} ._()+:/-]{1,100}$/u;

function appName(value: unknown): string {
  if (typeof value !== 'string' || !APP_NAME.test(value)) throw new HttpError(400, 'Expected "app": a name of up to 100 letters, digits, spaces and ._()+:/-');
  return value;
}

/** Served without a key: apps use these to obtain one. */
export function installAppKeyPublicRoutes(router: Router, auth: AuthManager): void {
  router.get('/plugin/appkeys/probe', (ctx) => {
    ctx.status = 204;
  });

  router.post('/plugin/appkeys/request', async (ctx) => {
    const body = await readJsonObject(ctx);
    const app = appName(body['app']);
    const user = typeof body['user'] === 'string' && body['user'] ? body['user'] : undefined;
    const request = auth.appKeyRequests.create(app, user, auth.options.appKeyRequestTtlMs);
    ctx.status = 201;
    ctx.set('Location', `/plugin/appkeys/request/${request.token}`);
    ctx.body = { app_token: request.token };
  });

  router.get('/plugin/appkeys/request/:token', (ctx) => {
    const result = auth.appKeyRequests.poll(ctx.params['token']!);
    if (result.status === 'unknown') throw new HttpError(404, 'No such request (denied, expired or unknown)');
    if (result.status === 'pending') {
      ctx.status = 202;
      ctx.body = {};
    } else ctx.body = { api_key: result.key };
  });
}

/** Needs a key: deciding on requests and managing keys. */
export function installAppKeyAdminRoutes(router: Router, auth: AuthManager): void {
  router.post('/plugin/appkeys/decision/:token', requirePermission('PLUGIN_APPKEYS_GRANT'), async (ctx) => {
    const body = await readJsonObject(ctx);
    if (typeof body['decision'] !== 'boolean') throw new HttpError(400, 'Expected "decision": true or false');
    const principal = principalOf(ctx) as AuthPrincipal;
    const request = auth.appKeyRequests.pending().find((r) => r.token === ctx.params['token']);
    if (!request) throw new HttpError(404, 'No such pending request');
    // a user approves for themselves; the global key (no user of its own) for whom the app asked
    const owner = auth.users.find(principal.name) ? principal.name : undefined;
    if (owner && request.user && request.user !== owner && !principal.admin) throw new HttpError(403, 'The app asked for another user');
    try {
      auth.appKeyRequests.decide(request.token, body['decision'], principal.admin && request.user ? request.user : owner);
    } catch (err) {
      if (err instanceof AppKeyRequestError) throw new HttpError(409, err.message);
      throw err;
    }
    ctx.status = 204;
  });

  router.get('/api/plugin/appkeys', requirePermission('PLUGIN_APPKEYS_GRANT'), (ctx) => {
    const principal = principalOf(ctx)!;
    const mine = (user: string) => principal.admin || user === principal.name;
    ctx.body = {
      keys: auth.users.list().filter((u) => mine(u.name)).flatMap((u) => u.apikeys.map((k) => ({ api_key: k.key, app_id: k.app, user_id: u.name }))),
      pending: Object.fromEntries(
        auth.appKeyRequests.pending().filter((r) => principal.admin || !r.user || r.user === principal.name).map((r) => [r.token, { app_id: r.app, user_id: r.user ?? null, expires: r.expires }]),
      ),
    };
  });

  router.post('/api/plugin/appkeys', requirePermission('PLUGIN_APPKEYS_GRANT'), async (ctx) => {
    const principal = principalOf(ctx)!;
    const body = await readJsonObject(ctx);
    if (body['command'] === 'generate') {
      if (!auth.users.find(principal.name)) throw new HttpError(409, 'Only a user can own application keys');
      ctx.body = { api_key: auth.users.addKey(principal.name, appName(body['app'])), app_id: body['app'], user_id: principal.name };
      return;
    }
    if (body['command'] === 'revoke') {
      const key = body['key'] ?? body['api_key'];
      if (typeof key !== 'string') throw new HttpError(400, 'Expected "key"');
      const owner = auth.users.findKey(key)?.user.name;
      if (!owner || (!principal.admin && owner !== principal.name)) throw new HttpError(404, 'No such key');
      auth.revokeKey(key);
      ctx.status = 204;
      return;
    }
    throw new HttpError(400, 'Unknown command, expected "generate" or "revoke"');
  });
}
