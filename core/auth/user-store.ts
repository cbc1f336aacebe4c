/**
 * Users and their application keys, kept in `users.yaml` in the basedir. Used by the running
 * server (through AuthManager) and by `cuttle user …` / `cuttle keys …` directly, so both see the
 * same file; every change is a fresh read-modify-atomic-write under the file's lock (yaml-file.ts).
 */
import path from 'node:path';
import { generateApiKey } from './api-keys.js';
import { hashPassword } from './password.js';
import { isGroup, type GroupId } from './permissions.js';
import { YamlFile } from './yaml-file.js';

export interface AppKey {
  app: string;
  key: string;
  created: string;
}

export interface UserRecord {
  name: string;
  /** scrypt hash (see password.ts); '' for a user that can only use keys */
  password: string;
  groups: GroupId[];
  active: boolean;
  apikeys: AppKey[];
}

interface UsersDocument {
  users: UserRecord[];
}

export const USERS_FILE = 'users.yaml';
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/;

export class UserStoreError extends Error {}

function validate(raw: unknown, file: string): UsersDocument {
  const list = (raw as { users?: unknown }).users ?? [];
  if (!Array.isArray(list)) throw new UserStoreError(`${file}: "users" must be a list`);
  const users = list.map((entry, i): UserRecord => {
    const u = entry as Partial<UserRecord>;
    if (typeof u.name !== 'string' || !u.name) throw new UserStoreError(`${file}: users[${i}] has no name`);
    return {
      name: u.name,
      password: typeof u.password === 'string' ? u.password : '',
      groups: (Array.isArray(u.groups) ? u.groups : ['users']).filter((g): g is GroupId => typeof g === 'string' && isGroup(g)),
      active: u.active !== false,
      apikeys: (Array.isArray(u.apikeys) ? u.apikeys : []).filter(
        (k): k is AppKey => typeof (k as AppKey)?.key === 'string' && typeof (k as AppKey)?.app === 'string',
      ),
    };
  });
  return { users };
}

export class UserStore {
  private readonly doc: YamlFile<UsersDocument>;
  private indexStamp: UsersDocument | undefined;
  private keyIndex = new Map<string, { user: UserRecord; app: string }>();

  constructor(readonly basedir: string) {
    this.doc = new YamlFile(path.join(basedir, USERS_FILE), () => ({ users: [] }), validate);
  }

  get file(): string {
    return this.doc.file;
  }

  /** Removes temporary files of users.yaml left by writers that were killed mid-write. */
  sweep(): Promise<string[]> {
    return this.doc.sweep();
  }

  list(): readonly UserRecord[] {
    return this.doc.read().users;
  }

  find(name: string): UserRecord | undefined {
    return this.list().find((u) => u.name === name);
  }

  /** The user and app an application key belongs to. */
  findKey(key: string): { user: UserRecord; app: string } | undefined {
    const doc = this.doc.read();
    if (doc !== this.indexStamp) {
      this.keyIndex = new Map(doc.users.flatMap((user) => user.apikeys.map((k) => [k.key, { user, app: k.app }] as const)));
      this.indexStamp = doc;
    }
    return this.keyIndex.get(key);
  }

  async add(name: string, options: { admin?: boolean; password?: string; groups?: GroupId[] } = {}): Promise<UserRecord> {
    if (!NAME.test(name)) throw new UserStoreError(`invalid user name "${name}": letters, digits and _ . @ - (up to 64)`);
    const password = options.password ? await hashPassword(options.password) : '';
    const groups: GroupId[] = options.groups ?? (options.admin ? ['users', 'admins'] : ['users']);
    return this.doc.update((doc) => {
      if (doc.users.some((u) => u.name === name)) throw new UserStoreError(`user "${name}" already exists`);
      const user: UserRecord = { name, password, groups, active: true, apikeys: [] };
      doc.users.push(user);
      return user;
    });
  }

  remove(name: string): boolean {
    return this.doc.update((doc) => {
      const before = doc.users.length;
      doc.users = doc.users.filter((u) => u.name !== name);
      return doc.users.length !== before;
    });
  }

  async setPassword(name: string, password: string): Promise<void> {
    const hash = await hashPassword(password);
    this.doc.update((doc) => {
      this.mustFind(doc, name).password = hash;
    });
  }

  /** Changes groups and/or the active flag. */
  update(name: string, change: { groups?: GroupId[]; active?: boolean }): void {
    this.doc.update((doc) => {
      const user = this.mustFind(doc, name);
      if (change.groups) user.groups = change.groups;
      if (change.active !== undefined) user.active = change.active;
    });
  }

  /**
   * A new 32-character application key for the user; it replaces the user's key for the same app
   * (case-insensitive, as OctoPrint). Without an app name the key gets one of its own, so that two
   * keys made at the same moment (two `cuttle user key` runs) do not replace each other.
   */
  addKey(name: string, app?: string): string {
    const key = generateApiKey();
    app ??= `cli ${new Date().toISOString()} ${key.slice(0, 4)}`;
    this.doc.update((doc) => {
      const user = this.mustFind(doc, name);
      user.apikeys = user.apikeys.filter((k) => k.app.toLowerCase() !== app.toLowerCase());
      user.apikeys.push({ app, key, created: new Date().toISOString() });
    });
    return key;
  }

  /** The user's key for an app (case-insensitive). */
  keyForApp(name: string, app: string): AppKey | undefined {
    return this.find(name)?.apikeys.find((k) => k.app.toLowerCase() === app.toLowerCase());
  }

  revokeKey(key: string): boolean {
    return this.doc.update((doc) => {
      for (const user of doc.users) {
        const before = user.apikeys.length;
        user.apikeys = user.apikeys.filter((k) => k.key !== key);
        if (user.apikeys.length !== before) return true;
      }
      return false;
    });
  }

  private mustFind(doc: UsersDocument, name: string): UserRecord {
    const user = doc.users.find((u) => u.name === name);
    if (!user) throw new UserStoreError(`no user "${name}"`);
    return user;
  }
}
