/**
 * AuthManager: resolves keys (global `api.key` = admin, users' application keys = that user),
 * sessions and passwords to principals, always from the current users.yaml, so a deleted user or a
 * revoked key loses access on its next request. A 1-second sweep expires sessions and notices
 * users.yaml edits made by the CLI, telling push transports to re-check their sockets.
 */
import { timingSafeEqual } from 'node:crypto';
import { inject, injectable } from 'inversify';
import { Emitter } from '../common/event.js';
import type { LifecycleContribution } from '../common/lifecycle.js';
import { Logger } from '../logging/logger.js';
import { adminPrincipal, generateApiKey, requestKey } from './api-keys.js';
import type { Principal } from '../http/http-server.js';
import { SettingsService } from '../settings/settings-service.js';
import { LoginError, type AuthManager, type AuthOptions, type AuthPrincipal } from './api.js';
import { PendingAppKeys } from './pending-appkeys.js';
import { verifyPassword } from './password.js';
import { csrfAllows } from './csrf.js';
import { HttpError } from '../http/http-error.js';
import { permissionsOfGroups, type GroupId } from './permissions.js';
import { LoginLimiter, SessionStore } from './sessions.js';
import { UserStore, type UserRecord } from './user-store.js';
import { accessControlSettings, apiSettings } from './settings.js';

export const SESSION_COOKIE = 'cuttle_session';
const GLOBAL_KEY_USER = '_api';
const SESSION_ID = /^[0-9a-f]{64}$/;

/** Constant-time comparison, so the global key cannot be guessed by timing. */
function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function sessionFromCookie(cookie: string | string[] | undefined): string | null {
  const header = Array.isArray(cookie) ? cookie.join('; ') : cookie;
  const match = header?.match(new RegExp(`(?:^|;\\s*)${SESSION_COOKIE}=([0-9a-f]{64})`));
  return match ? match[1]! : null;
}

@injectable()
export class AuthManagerImpl implements AuthManager, LifecycleContribution {
  readonly lifecycleName = 'auth';
  readonly options: AuthOptions;
  readonly users: UserStore;
  readonly appKeyRequests: PendingAppKeys;
  private readonly sessions = new SessionStore(() => this.options.sessionTtlMs);
  private readonly limiter = new LoginLimiter(() => ({ limit: this.options.loginAttempts, windowMs: this.options.loginWindowMs }));
  private readonly accessChanged = new Emitter<void>((err) => this.logger.error({ err: String(err) }, 'access listener failed'));
  readonly onDidChangeAccess = this.accessChanged.event;
  private sweepTimer: NodeJS.Timeout | undefined;
  private lastUsers: readonly UserRecord[] | undefined;

  constructor(
    @inject(SettingsService) private readonly settings: SettingsService,
    @inject(Logger) private readonly logger: Logger,
  ) {
    const access = settings.of(accessControlSettings).get();
    this.options = {
      sessionTtlMs: access.sessionTimeoutMinutes * 60_000,
      reauthenticationMs: access.reauthenticationTimeoutMinutes * 60_000,
      loginAttempts: access.loginAttempts,
      loginWindowMs: access.loginWindowSeconds * 1000,
      appKeyRequestTtlMs: access.appKeyRequestTimeoutSeconds * 1000,
      appKeyPollTimeoutMs: access.appKeyPollTimeoutSeconds * 1000,
      appKeyPendingMax: access.appKeyPendingMax,
      appKeyPendingPerAddress: access.appKeyPendingPerAddress,
    };
    this.users = new UserStore(settings.basedir);
    this.appKeyRequests = new PendingAppKeys(
      settings.basedir,
      this.users,
      () => ({ ttlMs: this.options.appKeyRequestTtlMs, pollTimeoutMs: this.options.appKeyPollTimeoutMs, max: this.options.appKeyPendingMax, perAddress: this.options.appKeyPendingPerAddress }),
      (err) => this.logger.error({ err: String(err) }, 'application-key requests: could not read or write their file'),
    );
  }

  get open(): boolean {
    return !this.settings.of(apiSettings).get().requireKey;
  }

  async start(): Promise<void> {
    const api = this.settings.of(apiSettings);
    if (!api.get().key) {
      api.update({ key: generateApiKey() });
      await this.settings.save();
      this.logger.warn({ apiKey: api.get().key }, `no api.key was configured: generated one and saved it to ${this.settings.configFile}`);
    }
    const swept = await this.users.sweep();
    if (swept.length) this.logger.info({ files: swept }, 'removed temporary files of users.yaml left by an interrupted write');
    this.lastUsers = this.safeUsers();
    await this.appKeyRequests.start();
    this.sweepTimer = setInterval(() => this.sweep(), 1000);
    this.sweepTimer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.sweepTimer);
    this.accessChanged.dispose();
    await this.appKeyRequests.stop();
  }

  authenticateKey(key: string): AuthPrincipal | null {
    // a session id works where a key is expected (socket.io's `auth: {session}`)
    if (SESSION_ID.test(key)) return this.principalOfSession(key, true);
    const global = this.settings.of(apiSettings).get().key;
    if (global && sameSecret(key, global)) return { ...adminPrincipal(GLOBAL_KEY_USER, 'apikey'), key };
    const found = this.safeFindKey(key);
    if (!found) return null;
    const principal = this.principalOfUser(found.user.name, 'apikey');
    return principal && { ...principal, key, app: found.app };
  }

  authenticateRequest(headers: Record<string, string | string[] | undefined>, query: Record<string, unknown>, method?: string): AuthPrincipal | null {
    const key = requestKey(headers, query);
    if (key) return this.authenticateKey(key);
    const session = sessionFromCookie(headers['cookie']);
    const viaCookie = session ? this.principalOfSession(session, true) : null;
    if (viaCookie) {
      if (!csrfAllows(method, session!, headers)) {
        throw new HttpError(403, "A change authenticated by the session cookie needs the X-CSRF-Token header (the login answer's csrfToken), or an API key");
      }
      return viaCookie;
    }
    return this.open ? adminPrincipal('_anonymous', 'anonymous') : null;
  }

  principalOfUser(name: string, via: Principal['via']): AuthPrincipal | null {
    const user = this.safeUsers().find((u) => u.name === name);
    if (!user || !user.active) return null;
    return { name, admin: user.groups.includes('admins'), groups: [...user.groups], permissions: permissionsOfGroups(user.groups), via };
  }

  async login(name: string, password: string, address: string): Promise<AuthPrincipal> {
    const wait = this.limiter.retryAfter(address);
    if (wait > 0) throw new LoginError(429, 'Too many failed login attempts, try again later', wait);
    const user = this.safeUsers().find((u) => u.name === name);
    const ok = await verifyPassword(password, user?.password);
    const principal = ok ? this.principalOfUser(name, 'session') : null;
    if (!principal) {
      this.limiter.fail(address);
      this.logger.warn({ user: name, address }, 'failed login');
      throw new LoginError(403, 'User unknown or password incorrect');
    }
    this.limiter.succeed(address);
    return principal;
  }

  createSession(principal: AuthPrincipal, made: { password?: boolean } = {}): string {
    const stored = this.safeUsers().some((u) => u.name === principal.name);
    const { key, session, app, ...rest } = principal;
    void session;
    void app;
    return this.sessions.create(principal.name, { principal: stored ? undefined : { ...rest, via: 'session' }, key, password: made.password }).id;
  }

  passwordCheckedAgain(session: string): boolean {
    return this.sessions.passwordChecked(session);
  }

  loginMechanism(principal: AuthPrincipal): { mechanism: 'password' | 'apikey'; credentialsSeen: Date } {
    const checked = this.passwordCheckedAt(principal);
    return checked === undefined ? { mechanism: 'apikey', credentialsSeen: new Date() } : { mechanism: 'password', credentialsSeen: new Date(checked) };
  }

  credentialsCheckedRecently(principal: Principal): boolean {
    const window = this.options.reauthenticationMs;
    if (window === 0) return true;
    const checked = this.passwordCheckedAt(principal);
    return checked === undefined || Date.now() - checked <= window;
  }

  /**
   * When the password behind the principal was last checked: undefined for a key (or open access),
   * and for a session a key made, which lives only while that key does; 0 for a gone session.
   */
  private passwordCheckedAt(principal: Principal): number | undefined {
    const id = (principal as AuthPrincipal).session;
    if (!id) return undefined;
    const session = this.sessions.peek(id);
    if (!session) return 0;
    return session.key !== undefined || session.principal ? undefined : (session.passwordCheckedAt ?? 0);
  }

  authenticateSession(name: string, session: string): AuthPrincipal | null {
    const principal = this.principalOfSession(session, true);
    return principal && principal.name === name ? principal : null;
  }

  stillValid(principal: AuthPrincipal): boolean {
    if (principal.via === 'anonymous') return this.open;
    if (principal.session) return !!this.principalOfSession(principal.session, false);
    if (principal.key) return !!this.authenticateKey(principal.key);
    return !!this.principalOfUser(principal.name, principal.via);
  }

  revokeSession(session: string): void {
    if (this.sessions.revoke(session)) this.accessChanged.fire();
  }

  revokeKey(key: string): boolean {
    const done = this.users.revokeKey(key);
    if (done) this.accessChanged.fire();
    return done;
  }

  deleteUser(name: string): boolean {
    const done = this.users.remove(name);
    this.sessions.revokeUser(name);
    if (done) this.accessChanged.fire();
    return done;
  }

  async updateUser(name: string, change: { groups?: GroupId[]; active?: boolean; password?: string }): Promise<void> {
    if (change.password !== undefined) await this.users.setPassword(name, change.password);
    if (change.groups || change.active !== undefined) this.users.update(name, change);
    this.accessChanged.fire();
  }

  private principalOfSession(id: string, touch: boolean): AuthPrincipal | null {
    const session = touch ? this.sessions.use(id) : this.sessions.peek(id);
    if (!session) return null;
    if (session.key && !this.authenticateKey(session.key)) return null;
    if (session.principal) {
      // the global-key principal: valid while a global key is still configured
      return this.settings.of(apiSettings).get().key ? { ...session.principal, session: id } : null;
    }
    const principal = this.principalOfUser(session.user, 'session');
    return principal && { ...principal, session: id };
  }

  private sweep(): void {
    void this.appKeyRequests.sweep();
    let changed = this.sessions.sweep() > 0;
    const users = this.safeUsers();
    if (users !== this.lastUsers) {
      this.lastUsers = users;
      changed = true;
    }
    if (changed) this.accessChanged.fire();
  }

  /** users.yaml as it is now; a broken file (hand edit in progress) counts as no users, logged. */
  private safeUsers(): readonly UserRecord[] {
    try {
      return this.users.list();
    } catch (err) {
      this.logger.error({ err: String(err) }, 'users.yaml unreadable: only the global key is accepted');
      return [];
    }
  }

  private safeFindKey(key: string) {
    try {
      return this.users.findKey(key);
    } catch {
      return undefined;
    }
  }
}
