/**
 * Pending application-key requests (OctoPrint's appkeys plugin flow): an app asks, a person approves
 * (`cuttle keys approve`, or an admin over REST) or denies, the app polls and picks up its key once.
 * Kept in a file next to users.yaml so the CLI, a separate process, can decide on them.
 */
import path from 'node:path';
import { generateApiKey } from './api-keys.js';
import type { UserStore } from './user-store.js';
import { YamlFile } from './yaml-file.js';

export interface AppKeyRequest {
  /** the app polls with this one */
  token: string;
  /** the approving user decides with this one (OctoPrint keeps the two apart) */
  userToken: string;
  app: string;
  /** the user the app asked to act as, if it said */
  user?: string;
  created: number;
  expires: number;
  state: 'pending' | 'approved' | 'denied';
  /** set once approved, handed to the app on its next poll */
  key?: string;
  owner?: string;
}

export type PollResult = { status: 'pending' } | { status: 'approved'; key: string } | { status: 'unknown' };

interface RequestsDocument {
  requests: AppKeyRequest[];
}

export const APPKEY_REQUESTS_FILE = 'appkeys-pending.yaml';

export class AppKeyRequestError extends Error {}

function validate(raw: unknown): RequestsDocument {
  const list = (raw as { requests?: unknown }).requests;
  return { requests: Array.isArray(list) ? (list as AppKeyRequest[]).filter((r) => typeof r?.token === 'string' && typeof r.userToken === 'string') : [] };
}

export class AppKeyRequests {
  private readonly doc: YamlFile<RequestsDocument>;

  constructor(
    basedir: string,
    private readonly users: UserStore,
  ) {
    this.doc = new YamlFile(path.join(basedir, APPKEY_REQUESTS_FILE), () => ({ requests: [] }), validate);
  }

  create(app: string, user: string | undefined, ttlMs: number, now = Date.now()): AppKeyRequest {
    const request: AppKeyRequest = { token: generateApiKey(), userToken: generateApiKey(), app, ...(user ? { user } : {}), created: now, expires: now + ttlMs, state: 'pending' };
    this.doc.update((doc) => {
      doc.requests = doc.requests.filter((r) => r.expires > now);
      doc.requests.push(request);
    });
    return request;
  }

  /** Requests still waiting for a decision. */
  pending(now = Date.now()): AppKeyRequest[] {
    return this.doc.read().requests.filter((r) => r.state === 'pending' && r.expires > now);
  }

  /** The pending request with this app token or user token. */
  find(token: string, now = Date.now()): AppKeyRequest | undefined {
    return this.pending(now).find((r) => r.token === token || r.userToken === token);
  }

  /** What the polling app gets; an approved key is handed out once and the request forgotten. */
  poll(token: string, now = Date.now()): PollResult {
    const request = this.doc.read().requests.find((r) => r.token === token);
    if (!request || request.expires <= now || request.state === 'denied') return { status: 'unknown' };
    if (request.state === 'pending') return { status: 'pending' };
    this.doc.update((doc) => {
      doc.requests = doc.requests.filter((r) => r.token !== token);
    });
    return { status: 'approved', key: request.key! };
  }

  /**
   * Approves (creating the key for `owner`, else the user the app named, else the first admin)
   * or denies a pending request.
   */
  decide(token: string, approve: boolean, owner?: string, now = Date.now()): AppKeyRequest {
    const current = this.find(token, now);
    if (!current) throw new AppKeyRequestError(`no pending request "${token}" (expired or decided already)`);
    let key: string | undefined;
    let keyOwner: string | undefined;
    if (approve) {
      keyOwner = owner ?? current.user ?? this.users.list().find((u) => u.groups.includes('admins'))?.name;
      if (!keyOwner || !this.users.find(keyOwner)) {
        throw new AppKeyRequestError(`no user to own the key${keyOwner ? ` ("${keyOwner}" does not exist)` : ''}: add one with "cuttle user add"`);
      }
      key = this.users.addKey(keyOwner, current.app);
    }
    return this.doc.update((doc) => {
      const request = doc.requests.find((r) => r.token === current.token)!;
      request.state = approve ? 'approved' : 'denied';
      if (key) Object.assign(request, { key, owner: keyOwner });
      return { ...request };
    });
  }
}
