/**
 * Which OctoPrint permission each REST endpoint needs, in one table (as OctoPrint's API decorators
 * say per endpoint), checked by the HTTP server for every authenticated request. Keeping the table
 * here rather than in every route file means a read-only key is refused every write, including on
 * routes whose authors did not think of permissions. A route not in the table needs only a valid
 * key for reading and ADMIN for changing, so new endpoints are closed by default.
 */
import { HttpError } from '../http/http-error.js';
import type { Principal } from '../http/http-server.js';

interface Rule {
  methods: readonly string[];
  path: RegExp;
  /** any one of these suffices; empty: any authenticated principal */
  anyOf: readonly string[];
}

const READ = ['GET', 'HEAD'];
const WRITE = ['POST', 'PUT', 'PATCH', 'DELETE'];

function rule(methods: readonly string[], path: RegExp, ...anyOf: string[]): Rule {
  return { methods, path, anyOf };
}

export const ROUTE_PERMISSIONS: readonly Rule[] = [
  rule(READ, /^\/api\/(version|server|currentuser|login)$/),
  rule(['POST'], /^\/api\/(login|logout)$/),
  rule(READ, /^\/api\/files(\/.*)?$/, 'FILES_LIST'),
  rule(['POST'], /^\/api\/files\/[^/]+\/?$/, 'FILES_UPLOAD'),
  // file commands: select (PRINT for print=true is checked by the route), copy/move, analyse, slice
  rule(['POST'], /^\/api\/files\/[^/]+\/.+$/, 'FILES_SELECT', 'FILES_UPLOAD', 'SLICE'),
  rule(['DELETE'], /^\/api\/files\/.+$/, 'FILES_DELETE'),
  rule(READ, /^\/downloads\/files\/.+$/, 'FILES_DOWNLOAD'),
  rule(READ, /^\/api\/connection$/, 'STATUS', 'CONNECTION'),
  rule(['POST'], /^\/api\/connection$/, 'CONNECTION'),
  rule(READ, /^\/api\/job$/, 'STATUS'),
  rule(['POST'], /^\/api\/job$/, 'PRINT'),
  rule(READ, /^\/api\/printer(\/(tool|bed|chamber|sd))?$/, 'STATUS'),
  rule(['POST'], /^\/api\/printer\/(command|tool|bed|chamber|printhead|sd)$/, 'CONTROL'),
  rule(READ, /^\/api\/printerprofiles(\/[^/]+)?$/, 'CONNECTION', 'SETTINGS_READ'),
  rule(WRITE, /^\/api\/printerprofiles(\/[^/]+)?$/, 'SETTINGS'),
  rule(READ, /^\/api\/settings$/, 'SETTINGS_READ'),
  rule(WRITE, /^\/api\/settings$/, 'SETTINGS'),
  rule(READ, /^\/api\/slicing(\/.*)?$/, 'SLICE'),
  rule(WRITE, /^\/api\/slicing\/.+$/, 'SETTINGS'),
  rule(READ, /^\/api\/timelapse\/?$/, 'TIMELAPSE_LIST'),
  rule(['POST'], /^\/api\/timelapse\/?$/, 'TIMELAPSE_ADMIN'),
  rule(READ, /^\/(api|downloads)\/timelapse\/[^/]+$/, 'TIMELAPSE_DOWNLOAD'),
  rule(['DELETE'], /^\/api\/timelapse\/[^/]+$/, 'TIMELAPSE_DELETE'),
  rule([...READ, ...WRITE], /^\/api\/timelapse\/unrendered\/.+$/, 'TIMELAPSE_MANAGE_UNRENDERED'),
  rule(READ, /^\/api\/system(\/.*)?$/, 'SYSTEM'),
  rule(['POST'], /^\/api\/system\/commands\/.+$/, 'SYSTEM'),
  rule(READ, /^\/api\/plugins$/, 'STATUS'),
  rule(READ, /^\/api\/printers(\/[^/]+)?$/, 'STATUS'),
  rule(WRITE, /^\/api\/printers(\/[^/]+)?$/, 'ADMIN'),
  rule(READ, /^\/(api\/)?plugin\/appkeys(\/.*)?$/, 'PLUGIN_APPKEYS_GRANT'),
  rule(['POST'], /^\/(api\/)?plugin\/appkeys(\/.*)?$/, 'PLUGIN_APPKEYS_GRANT'),
  rule(['POST'], /^\/api\/events\/test$/, 'SETTINGS'),
  rule(READ, /^\/api\/events$/, 'EVENTS'),
  rule(READ, /^\/api\/history(\/totals)?$/, 'STATUS'),
  // a backup holds every key and password hash: listing and downloading them is for admins too
  rule([...READ, ...WRITE], /^\/api\/backup(\/[^/]+)?$/, 'ADMIN'),
  // the access routes check SETTINGS themselves: a user may read themself and change their own password
  rule(READ, /^\/api\/access\/.+$/),
  rule(['PUT'], /^\/api\/access\/users\/[^/]+\/password$/),
  rule(WRITE, /^\/api\/access\/.+$/, 'SETTINGS'),
];

/** The permissions (any one of) a request needs; `['ADMIN']` for changes to unlisted routes. */
export function requiredPermissions(method: string, path: string): readonly string[] {
  const m = method.toUpperCase();
  if (m === 'OPTIONS') return [];
  const found = ROUTE_PERMISSIONS.find((r) => r.methods.includes(m) && r.path.test(path));
  if (found) return found.anyOf;
  return READ.includes(m) ? [] : ['ADMIN'];
}

/** Throws 403 unless the principal may make this request. */
export function assertRoutePermission(method: string, path: string, principal: Principal): void {
  if (principal.admin) return;
  const anyOf = requiredPermissions(method, path);
  if (anyOf.length === 0 || anyOf.some((p) => principal.permissions.includes(p))) return;
  throw new HttpError(403, `Insufficient permissions: needs ${anyOf.join(' or ')}`);
}
