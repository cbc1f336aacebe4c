/**
 * The HTTP forms of Moonraker's methods (`GET /printer/info`, `POST /printer/gcode/script?script=G28`,
 * `GET /server/database/item?namespace=…`), answered `{result}` or `{error: {code, message}}` with the
 * code as the HTTP status. The method is the path with dots for slashes; a few resources take their
 * verb from the HTTP method (Moonraker's own table). Parameters come from the query string and a JSON
 * body. Each call goes through the same dispatcher, permission check and methods as the websocket's.
 */
import type Koa from 'koa';
import { readJsonObject } from '../http/request-body.js';
import type { Principal } from '../http/http-server.js';
import type { PrinterScope } from '../printers/printer-registry.js';
import type { RpcDispatcher } from './dispatcher.js';
import { RpcError, type RpcSession } from './rpc.js';

/** paths whose method depends on the HTTP verb */
const BY_VERB: Record<string, Partial<Record<string, string>>> = {
  'server.database.item': { GET: 'server.database.get_item', POST: 'server.database.post_item', DELETE: 'server.database.delete_item' },
  'server.files.directory': { GET: 'server.files.get_directory', POST: 'server.files.post_directory', DELETE: 'server.files.delete_directory' },
  'server.webcams.item': { GET: 'server.webcams.get_item', POST: 'server.webcams.post_item', DELETE: 'server.webcams.delete_item' },
  'server.history.job': { GET: 'server.history.get_job', DELETE: 'server.history.delete_job' },
};

/**
 * Methods that only read, the ones GET may call: a GET can come from another site's link with the
 * browser's session cookie (SameSite=Lax lets top-level navigations through), so nothing a GET calls
 * may act. Actions need POST or DELETE, which browsers send with an Origin (access.ts drops a foreign
 * origin's cookie).
 */
const READS = /\.(list|info|query|get_item|get_directory|metadata|status|roots|thumbnails|help|totals|config|system_info|proc_stats|temperature_store|gcode_store|get_user|oneshot_token|get_job)$/;

/** Moonraker's HTTP paths: its websocket methods under these first segments */
export const HTTP_ROOTS = ['server', 'printer', 'machine', 'access'];

const NO_SESSION: RpcSession = {
  identify: () => undefined,
  // each HTTP request names its caller itself
  authenticate: () => undefined,
  subscribe: () => {
    throw new RpcError(400, 'Subscriptions need the websocket');
  },
};

/** `/printer/objects/query?toolhead&extruder=target,temperature` → `{ toolhead: null, extruder: [...] }` */
function objectsOf(query: Record<string, string>): Record<string, string[] | null> {
  return Object.fromEntries(Object.entries(query).map(([name, fields]) => [name, fields === '' ? null : fields.split(',')]));
}

/** the verbs of Moonraker's HTTP forms: GET reads, POST and DELETE act */
const VERBS = ['GET', 'HEAD', 'POST', 'DELETE'];

/**
 * `named`: a path that names its method otherwise (`DELETE /server/files/gcodes/<path>` is
 * server.files.delete_file of that path), with the parameters the path gives.
 */
export async function answerHttpMethod(ctx: Koa.Context, dispatcher: RpcDispatcher, printer: PrinterScope, principal: Principal, named?: { method: string; params: Record<string, unknown> }): Promise<void> {
  const name = named?.method ?? ctx.path.replace(/^\/+|\/+$/g, '').split('/').join('.');
  // an OPTIONS probe (a monitor, a preflight without CORS) or a PUT ran the method it named: OPTIONS /printer/emergency_stop stopped the printer
  if (!VERBS.includes(ctx.method)) {
    ctx.set('Allow', VERBS.join(', '));
    ctx.status = 405;
    ctx.body = { error: { code: 405, message: `${ctx.method} is not served here: GET reads, POST and DELETE act` } };
    return;
  }
  const method = BY_VERB[name]?.[ctx.method] ?? name;
  if ((ctx.method === 'GET' || ctx.method === 'HEAD') && dispatcher.has(method) && !READS.test(method)) {
    ctx.status = 405;
    ctx.body = { error: { code: 405, message: `${method.slice(0, 100)} needs POST` } };
    return;
  }
  const query = Object.fromEntries(Object.entries(ctx.query).map(([k, v]) => [k, Array.isArray(v) ? v[v.length - 1]! : (v ?? '')]));
  let params: Record<string, unknown> = { ...query, ...named?.params };
  if (method === 'printer.objects.query' && ctx.method === 'GET') params = { objects: objectsOf(query) };
  else if (ctx.method !== 'GET' && ctx.is('application/json')) params = { ...query, ...(await readJsonObject(ctx)) };
  try {
    ctx.body = { result: await dispatcher.invoke(method, params, { printer, principal, connectionId: 0, address: ctx.ip, session: NO_SESSION }) };
  } catch (err) {
    const { code, message } = err as RpcError;
    ctx.status = code >= 400 && code < 600 ? code : code === -32601 ? 404 : code === -32603 ? 500 : 400;
    ctx.body = { error: { code: ctx.status, message } };
  }
}
