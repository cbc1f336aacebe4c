/**
 * OctoPrint's access-control API over users.yaml: `/api/access/permissions`, `/api/access/groups`
 * (the three built-in groups, read-only here) and `/api/access/users` (list, get, add, update,
 * delete, password). SETTINGS holders manage everyone; a user may read themself and change their
 * own password with the current one. Adding, changing and removing users, and setting another's
 * password, need the password entered recently, as OctoPrint asks (requireRecentCredentials: a
 * session whose password is older than accessControl.reauthenticationTimeoutMinutes is asked again;
 * an API key is not).
 */
import type Koa from 'koa';
import { HttpError } from '../http/http-error.js';
import { readJsonObject } from '../http/request-body.js';
import type { AuthManager } from './api.js';
import { verifyPassword } from './password.js';
import { GROUPS, isGroup, PERMISSIONS, permissionsOfGroups, rolesOf, type GroupId } from './permissions.js';
import { ensureRecentCredentials, hasPermissions, principalOf, requireRecentCredentials } from '../http/principal.js';
import { UserStoreError, type UserRecord } from './user-store.js';
import { type Routes } from '../http/routes.js';

const GROUP_INFO: Record<GroupId, { name: string; description: string; default: boolean }> = {
  admins: { name: 'Admins', description: 'Administrators', default: false },
  users: { name: 'Operator', description: 'Operators: print, control, upload', default: true },
  readonly: { name: 'Read-only Access', description: 'Read state, files and the webcam', default: false },
};

function groupRecord(key: GroupId) {
  const permissions = permissionsOfGroups([key]);
  return { key, ...GROUP_INFO[key], permissions, subgroups: [], needs: { role: rolesOf(permissions) }, removable: false, changeable: false, toggleable: key !== 'admins' };
}

function userRecord(user: UserRecord) {
  const permissions = permissionsOfGroups(user.groups);
  return {
    name: user.name,
    active: user.active,
    user: true,
    admin: user.groups.includes('admins'),
    apikey: null,
    settings: {},
    groups: user.groups,
    permissions: [],
    needs: { group: user.groups, role: rolesOf(permissions) },
    roles: user.groups.includes('admins') ? ['user', 'admin'] : ['user'],
  };
}

function groupsOf(body: Record<string, unknown>, admin: unknown): GroupId[] | undefined {
  const groups = body['groups'];
  if (groups === undefined) return admin === undefined ? undefined : admin ? ['users', 'admins'] : ['users'];
  if (!Array.isArray(groups) || !groups.every((g) => typeof g === 'string' && isGroup(g))) throw new HttpError(400, `"groups" must list some of: ${GROUPS.join(', ')}`);
  return groups as GroupId[];
}

export function installAccessRoutes(routes: Routes, auth: AuthManager): void {
  const recentPassword = requireRecentCredentials(auth);
  const manager = (ctx: Koa.Context) => {
    if (!hasPermissions(principalOf(ctx), ['SETTINGS'])) throw new HttpError(403, 'Missing permission: SETTINGS');
  };
  const selfOrManager = (ctx: Koa.Context) => {
    if (principalOf(ctx)?.name !== ctx.params['name']) manager(ctx);
  };
  const existing = (name: string) => {
    const user = auth.users.find(name);
    if (!user) throw new HttpError(404, 'Unknown user');
    return user;
  };
  const list = () => ({ users: auth.users.list().map(userRecord) });

  routes.get('/api/access/permissions', 'authenticated', (ctx) => {
    ctx.body = { permissions: PERMISSIONS };
  });
  routes.get('/api/access/groups', 'authenticated', (ctx) => {
    manager(ctx);
    ctx.body = { groups: GROUPS.map(groupRecord) };
  });
  routes.get('/api/access/groups/:key', 'authenticated', (ctx) => {
    manager(ctx);
    const key = ctx.params['key']!;
    if (!isGroup(key)) throw new HttpError(404, 'Unknown group');
    ctx.body = groupRecord(key);
  });
  routes.get('/api/access/users', 'authenticated', (ctx) => {
    manager(ctx);
    ctx.body = list();
  });
  routes.get('/api/access/users/:name', 'authenticated', (ctx) => {
    selfOrManager(ctx);
    ctx.body = userRecord(existing(ctx.params['name']!));
  });
  routes.post('/api/access/users', 'SETTINGS', recentPassword, async (ctx) => {
    manager(ctx);
    const body = await readJsonObject(ctx);
    const { name, password } = body;
    if (typeof name !== 'string' || typeof password !== 'string' || !password) throw new HttpError(400, 'Expected "name" and "password"');
    try {
      await auth.users.add(name, { password, groups: groupsOf(body, body['admin']) });
    } catch (err) {
      if (err instanceof UserStoreError) throw new HttpError(/exists/.test(err.message) ? 409 : 400, err.message);
      throw err;
    }
    if (body['active'] === false) await auth.updateUser(name, { active: false });
    ctx.body = list();
  });
  routes.put('/api/access/users/:name', 'SETTINGS', recentPassword, async (ctx) => {
    manager(ctx);
    const name = existing(ctx.params['name']!).name;
    const body = await readJsonObject(ctx);
    if (body['active'] !== undefined && typeof body['active'] !== 'boolean') throw new HttpError(400, '"active" must be a boolean');
    await auth.updateUser(name, { groups: groupsOf(body, body['admin']), active: body['active'] as boolean | undefined });
    ctx.body = list();
  });
  routes.delete('/api/access/users/:name', 'SETTINGS', recentPassword, (ctx) => {
    manager(ctx);
    auth.deleteUser(existing(ctx.params['name']!).name);
    ctx.body = list();
  });
  routes.put('/api/access/users/:name/password', 'authenticated', async (ctx) => {
    selfOrManager(ctx);
    const user = existing(ctx.params['name']!);
    const body = await readJsonObject(ctx);
    if (typeof body['password'] !== 'string' || !body['password']) throw new HttpError(400, 'Expected "password"');
    const needsCurrent = !hasPermissions(principalOf(ctx), ['SETTINGS']) || body['current'] !== undefined;
    if (needsCurrent) {
      if (typeof body['current'] !== 'string') throw new HttpError(400, 'Expected "current", the present password');
      if (!(await verifyPassword(body['current'], user.password))) throw new HttpError(403, 'The current password does not match');
    } else {
      // a manager setting a password without the present one: their own, entered recently, instead
      ensureRecentCredentials(auth, ctx);
    }
    await auth.updateUser(user.name, { password: body['password'] });
    ctx.body = {};
  });
}
