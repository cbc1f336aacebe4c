/**
 * The host's side of the application-key request flow: requests live in memory, capped in total
 * and per address (past a cap the app gets 429), and die as OctoPrint's do, a few seconds after
 * their app stopped polling (and at the latest at their cut-off time). So that nobody can make the
 * host work for free, a request costs nothing on disk while it is polled: only a new pending
 * request writes `appkeys-pending.yaml`, and in the background (asynchronous, under the file's
 * lock, coalesced), never on the request's path. Decisions and removals reach the file with the
 * next background write (the 1-second sweep).
 * The file is how `cuttle keys pending|approve|deny` (another process, appkey-requests.ts) sees and
 * decides requests: its decisions are merged back when the file changes (watched) and on each sweep.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { writeFileAtomic } from '../common/atomic-write.js';
import { Emitter, type Event } from '../common/event.js';
import { withFileLock } from '../common/file-lock.js';
import { generateApiKey } from './api-keys.js';
import { APPKEY_REQUESTS_FILE, AppKeyRequestError, keyOwnerFor, requestsIn, type AppKeyRequest, type PollResult } from './appkey-requests.js';
import type { UserStore } from './user-store.js';

export interface PendingLimits {
  /** cut-off: a request waits at most this long for a decision (ms) */
  ttlMs: number;
  /** a request dies this long after its app's last poll (ms) */
  pollTimeoutMs: number;
  /** requests waiting at once, in total */
  max: number;
  /** requests waiting at once from one address */
  perAddress: number;
}

/** A new request was refused: 429, too many wait already. */
export class AppKeyRequestLimit extends AppKeyRequestError {}

interface Entry {
  request: AppKeyRequest;
  address: string;
  lastPoll: number;
}

export class PendingAppKeys {
  private readonly entries = new Map<string, Entry>();
  readonly file: string;
  /** memory differs from the file */
  private dirty = false;
  private writing: Promise<void> | undefined;
  private writeAgain = false;
  private merging: Promise<void> | undefined;
  private watcher: fs.FSWatcher | undefined;
  private readonly created = new Emitter<AppKeyRequest>();
  /** A request now waits for a decision (web clients show their confirmation dialog on it). */
  readonly onDidCreate: Event<AppKeyRequest> = this.created.event;

  constructor(
    basedir: string,
    private readonly users: UserStore,
    private readonly limits: () => PendingLimits,
    private readonly onError: (err: unknown) => void,
  ) {
    this.file = path.join(basedir, APPKEY_REQUESTS_FILE);
  }

  /** Starts from an empty file (requests do not outlive the host: their apps poll a live host) and watches it for the CLI's decisions. */
  async start(): Promise<void> {
    this.dirty = true;
    await this.persist();
    try {
      this.watcher = fs.watch(path.dirname(this.file), (_event, name) => {
        if (name === path.basename(this.file)) void this.mergeDecisions();
      });
      this.watcher.on('error', (err) => this.onError(err));
    } catch (err) {
      this.onError(err); // no watching here: the sweep still merges every second
    }
  }

  async stop(): Promise<void> {
    this.watcher?.close();
    await this.writing;
  }

  /** A new request, or AppKeyRequestLimit (429) when too many wait already, in total or from this address. */
  create(app: string, user: string | undefined, address: string, now = Date.now()): AppKeyRequest {
    this.expire(now);
    const { max, perAddress, ttlMs } = this.limits();
    if (this.entries.size >= max) throw new AppKeyRequestLimit(`${max} application-key requests are waiting already: try again later`);
    let fromAddress = 0;
    for (const entry of this.entries.values()) if (entry.address === address) fromAddress++;
    if (fromAddress >= perAddress) throw new AppKeyRequestLimit(`${perAddress} application-key requests from this address are waiting already: try again later`);
    const request: AppKeyRequest = { token: generateApiKey(), userToken: generateApiKey(), app, ...(user ? { user } : {}), created: now, expires: now + ttlMs, state: 'pending' };
    this.entries.set(request.token, { request, address, lastPoll: now });
    this.created.fire(request);
    this.dirty = true;
    void this.persist();
    return request;
  }

  /** Requests waiting for a decision. */
  pending(now = Date.now()): AppKeyRequest[] {
    this.expire(now);
    return [...this.entries.values()].map((e) => e.request).filter((r) => r.state === 'pending');
  }

  /** The pending request with this app token or user token. */
  find(token: string, now = Date.now()): AppKeyRequest | undefined {
    return this.pending(now).find((r) => r.token === token || r.userToken === token);
  }

  /** What the polling app gets (keeping its request alive); an approved key is handed out once. */
  async poll(token: string, now = Date.now()): Promise<PollResult> {
    // a decision the CLI just wrote is being read: answer with it
    if (this.merging) await this.merging;
    this.expire(now);
    const entry = this.entries.get(token);
    if (!entry || entry.request.state === 'denied') return { status: 'unknown' };
    entry.lastPoll = now;
    if (entry.request.state === 'pending') return { status: 'pending' };
    this.forget(token);
    return { status: 'approved', key: entry.request.key! };
  }

  /** Approves (the key belongs to `owner`, else the user the app named, else the first admin) or denies. */
  decide(token: string, approve: boolean, owner?: string, now = Date.now()): AppKeyRequest {
    const request = this.find(token, now);
    if (!request) throw new AppKeyRequestError(`no pending request "${token}" (expired or decided already)`);
    if (approve) {
      const keyOwner = keyOwnerFor(this.users, request, owner);
      Object.assign(request, { state: 'approved', key: this.users.addKey(keyOwner, request.app), owner: keyOwner });
    } else request.state = 'denied';
    this.dirty = true;
    return { ...request };
  }

  /** Every second: drops dead requests, takes in the CLI's decisions, and brings the file up to date. */
  async sweep(now = Date.now()): Promise<void> {
    this.expire(now);
    // the CLI's decisions apply only to requests waiting here: with none, the file is not read
    if (this.entries.size > 0) await this.mergeDecisions();
    if (this.dirty) await this.persist();
  }

  private expire(now: number): void {
    const { pollTimeoutMs } = this.limits();
    for (const [token, entry] of this.entries) {
      if (now >= entry.request.expires || now - entry.lastPoll > pollTimeoutMs) this.forget(token);
    }
  }

  private forget(token: string): void {
    if (this.entries.delete(token)) this.dirty = true;
  }

  /** Applies approvals and denials found in the file to the requests still waiting here. */
  private mergeDecisions(): Promise<void> {
    this.merging ??= (async () => {
      try {
        const text = await fs.promises.readFile(this.file, 'utf8').catch(() => '');
        this.applyDecisions(text);
      } catch (err) {
        this.onError(err);
      } finally {
        this.merging = undefined;
      }
    })();
    return this.merging;
  }

  private applyDecisions(text: string): void {
    for (const decided of requestsIn(YAML.parse(text) ?? {})) {
      const entry = this.entries.get(decided.token);
      if (!entry || entry.request.state !== 'pending' || decided.state === 'pending') continue;
      if (decided.state === 'approved' && !decided.key) continue;
      Object.assign(entry.request, { state: decided.state, ...(decided.key ? { key: decided.key, owner: decided.owner } : {}) });
    }
  }

  /** Writes the requests in the background: one write at a time, later changes folded into the next. */
  private persist(): Promise<void> {
    if (this.writing) {
      this.writeAgain = true;
      return this.writing;
    }
    this.writing = (async () => {
      do {
        this.writeAgain = false;
        this.dirty = false;
        try {
          await withFileLock(this.file, async () => {
            // the CLI may have decided since the last read: keep its decisions
            this.applyDecisions(await fs.promises.readFile(this.file, 'utf8').catch(() => ''));
            const requests = [...this.entries.values()].map((e) => e.request);
            await writeFileAtomic(this.file, YAML.stringify({ requests }));
          });
        } catch (err) {
          this.dirty = true;
          this.onError(err);
        }
      } while (this.writeAgain);
      this.writing = undefined;
    })();
    return this.writing;
  }
}
