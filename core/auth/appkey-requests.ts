/**
 * Application-key requests as the file `appkeys-pending.yaml` holds them (OctoPrint's appkeys plugin
 * flow: an app asks, a person approves or denies, the app polls and picks up its key once). The
 * running host keeps the requests (pending-appkeys.ts) and writes them here; this class is the
 * other side, `cuttle keys pending|approve|deny`: it reads them and writes its decision under the
 * file's lock, and the host takes the decision in.
 */
import path from 'node:path';
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

/** The well-formed requests of a parsed file. */
export function requestsIn(raw: unknown): AppKeyRequest[] {
  const list = (raw as { requests?: unknown } | null)?.requests;
  return Array.isArray(list) ? (list as AppKeyRequest[]).filter((r) => typeof r?.token === 'string' && typeof r.userToken === 'string') : [];
}

function validate(raw: unknown): RequestsDocument {
  return { requests: requestsIn(raw) };
}

export class AppKeyRequests {
  private readonly doc: YamlFile<RequestsDocument>;

  constructor(
    basedir: string,
    private readonly users: UserStore,
  ) {
    this.doc = new YamlFile(path.join(basedir, APPKEY_REQUESTS_FILE), () => ({ requests: [] }), validate);
  }

  /** Requests still waiting for a decision. */
  pending(now = Date.now()): AppKeyRequest[] {
    return this.doc.read().requests.filter((r) => r.state === 'pending' && r.expires > now);
  }

  /** The pending request with this app token or user token. */
  find(token: string, now = Date.now()): AppKeyRequest | undefined {
    return this.pending(now).find((r) => r.token === token || r.userToken === token);
  }

  /** Approves (creating the key: see keyOwnerFor) or denies a pending request, under the file's lock. */
  decide(token: string, approve: boolean, owner?: string, now = Date.now()): AppKeyRequest {
    return this.doc.update((doc) => {
      const request = doc.requests.find((r) => r.state === 'pending' && r.expires > now && (r.token === token || r.userToken === token));
      if (!request) throw new AppKeyRequestError(`no pending request "${token}" (expired or decided already)`);
      if (approve) {
        const keyOwner = keyOwnerFor(this.users, request, owner);
        Object.assign(request, { state: 'approved', key: this.users.addKey(keyOwner, request.app), owner: keyOwner });
      } else request.state = 'denied';
      return { ...request };
    });
  }
}

/** Who owns the key of an approved request: `owner`, else the user the app named, else the first admin. */
export function keyOwnerFor(users: UserStore, request: AppKeyRequest, owner?: string): string {
  const name = owner ?? request.user ?? users.list().find((u) => u.groups.includes('admins'))?.name;
  if (!name || !users.find(name)) throw new AppKeyRequestError(`no user to own the key${name ? ` ("${name}" does not exist)` : ''}: add one with "cuttle user add"`);
  return name;
}
