/**
 * The auth contract beyond the server's `AuthService`: users and application keys (users.yaml),
 * login sessions, password login with a per-address limit, and the app-key request flow.
 * `AuthService` (core/http) is bound to the same instance, so the REST server and the push
 * transports resolve every key and session through here.
 */
import type { Event } from '../common/event.js';
import type { AuthService, Principal } from '../http/http-server.js';
import type { PendingAppKeys } from './pending-appkeys.js';
import type { GroupId } from './permissions.js';
import type { UserStore } from './user-store.js';

/** A principal with what authenticated it, so it can be re-checked or revoked later. */
export interface AuthPrincipal extends Principal {
  key?: string;
  session?: string;
  /** the application an app key was issued to */
  app?: string;
}

export interface AuthOptions {
  /** idle lifetime of a login session */
  sessionTtlMs: number;
  /**
   * How recently a password session's password must have been checked for a dangerous request (a
   * restore, downloading a backup): OctoPrint's reauthentication. 0: never asked again.
   */
  reauthenticationMs: number;
  /** how long an app-key request waits for a decision at most */
  appKeyRequestTtlMs: number;
  /** an app-key request dies this long after its app last polled */
  appKeyPollTimeoutMs: number;
  /** app-key requests waiting at once: in total, and from one address */
  appKeyPendingMax: number;
  appKeyPendingPerAddress: number;
  /** failed logins per address allowed within `loginWindowMs` */
  loginAttempts: number;
  loginWindowMs: number;
}

/** A refused login: 403 for bad credentials, 429 while the address is rate-limited. */
export class LoginError extends Error {
  constructor(
    readonly status: 403 | 429,
    message: string,
    readonly retryAfterMs = 0,
  ) {
    super(message);
  }
}

export interface AuthManager extends AuthService {
  readonly users: UserStore;
  readonly appKeyRequests: PendingAppKeys;
  /** from config `accessControl.*`; tunable at run time (tests shorten the lifetimes) */
  readonly options: AuthOptions;

  authenticateKey(key: string): AuthPrincipal | null;
  authenticateRequest(headers: Record<string, string | string[] | undefined>, query: Record<string, unknown>, method?: string): AuthPrincipal | null;
  /** The principal of a stored, active user, or null. */
  principalOfUser(name: string, via: Principal['via']): AuthPrincipal | null;
  /** Checks a password (rate-limited per address); throws LoginError. */
  login(name: string, password: string, address: string): Promise<AuthPrincipal>;
  /**
   * A fresh session for the principal; its id is `principal.session` of later lookups. `password`:
   * the principal comes from a password just checked (login() answered it), not from a key.
   */
  createSession(principal: AuthPrincipal, made?: { password?: boolean }): string;
  /** The user of this session entered their password again (login() checked it): it counts as just checked. False when the session is gone. */
  passwordCheckedAgain(session: string): boolean;
  /**
   * How the principal signed in, as OctoPrint's login answer tells it (`_login_mechanism`,
   * `_credentials_seen`): a password (and when it was last checked) or a key (checked with every
   * request, so now).
   */
  loginMechanism(principal: AuthPrincipal): { mechanism: 'password' | 'apikey'; credentialsSeen: Date };
  /** The principal for the push socket's `name:session`, or null. */
  authenticateSession(name: string, session: string): AuthPrincipal | null;
  /** Is this principal still allowed in (key not revoked, session live, user not deleted)? Does not extend sessions. */
  stillValid(principal: AuthPrincipal): boolean;
  revokeSession(session: string): void;
  revokeKey(key: string): boolean;
  deleteUser(name: string): boolean;
  /** Changes a user's groups, active flag or password; their sessions and sockets are re-checked at once. */
  updateUser(name: string, change: { groups?: GroupId[]; active?: boolean; password?: string }): Promise<void>;
  /** Fired when access may have been withdrawn (revocation, deletion, expiry, users.yaml changed). */
  readonly onDidChangeAccess: Event<void>;
}
export const AuthManager = Symbol.for('cuttle.AuthManager');
