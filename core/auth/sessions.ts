/**
 * Login sessions: a random id bound to a user (or to the global-key principal), used by the push
 * socket's `{"auth": "name:session"}` and the session cookie. Idle sessions expire; the store tells
 * its owner which ones did so that sockets using them are asked to re-authenticate at once.
 * A session remembers how it was made: a password checked (and when it was last checked: a user
 * re-enters it for a restore, as OctoPrint asks) or an API key (which is itself the credential).
 */
import { randomBytes } from 'node:crypto';
import type { Principal } from '../http/http-server.js';

export interface Session {
  id: string;
  user: string;
  /** set for principals that are not in users.yaml (the global key) */
  principal?: Principal;
  /** the API key a passive login turned into this session: revoking the key ends the session */
  key?: string;
  created: number;
  lastUsed: number;
  /** when the password was last checked for this session; undefined for a session a key made */
  passwordCheckedAt?: number;
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly ttlMs: () => number) {}

  create(user: string, made: { principal?: Principal; key?: string; password?: boolean }, now = Date.now()): Session {
    const { principal, key, password } = made;
    const session: Session = {
      id: randomBytes(32).toString('hex'),
      user,
      ...(principal ? { principal } : {}),
      ...(key ? { key } : {}),
      created: now,
      lastUsed: now,
      ...(password ? { passwordCheckedAt: now } : {}),
    };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The live session with this id (touching it), or undefined when unknown or expired. */
  use(id: string, now = Date.now()): Session | undefined {
    const session = this.sessions.get(id);
    if (!session) return undefined;
    if (now - session.lastUsed > this.ttlMs()) {
      this.sessions.delete(id);
      return undefined;
    }
    session.lastUsed = now;
    return session;
  }

  /** Looks without touching (for periodic re-checks of sockets, which must not keep a session alive). */
  peek(id: string, now = Date.now()): Session | undefined {
    const session = this.sessions.get(id);
    return session && now - session.lastUsed <= this.ttlMs() ? session : undefined;
  }

  /** The user entered their password again in this session (OctoPrint's reauthentication); false when the session is gone. */
  passwordChecked(id: string, now = Date.now()): boolean {
    const session = this.peek(id, now);
    if (session) session.passwordCheckedAt = now;
    return !!session;
  }

  revoke(id: string): boolean {
    return this.sessions.delete(id);
  }

  revokeUser(user: string): number {
    let count = 0;
    for (const [id, s] of this.sessions) if (s.user === user && this.sessions.delete(id)) count++;
    return count;
  }

  /** Drops expired sessions; returns how many. */
  sweep(now = Date.now()): number {
    let count = 0;
    for (const [id, s] of this.sessions) if (now - s.lastUsed > this.ttlMs() && this.sessions.delete(id)) count++;
    return count;
  }
}

/** Failed-login counting per remote address: after `limit` failures within `windowMs` the address waits. */
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly limits: () => { limit: number; windowMs: number }) {}

  /** milliseconds the address must still wait, 0 when it may try */
  retryAfter(address: string, now = Date.now()): number {
    const { limit, windowMs } = this.limits();
    const recent = (this.failures.get(address) ?? []).filter((t) => now - t < windowMs);
    if (recent.length) this.failures.set(address, recent);
    else this.failures.delete(address);
    return recent.length >= limit ? windowMs - (now - recent[0]!) : 0;
  }

  fail(address: string, now = Date.now()): void {
    const list = this.failures.get(address) ?? [];
    list.push(now);
    this.failures.set(address, list);
  }

  succeed(address: string): void {
    this.failures.delete(address);
  }
}
