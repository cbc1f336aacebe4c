/**
 * `access.*` as far as clients need it over the websocket: who am I, a one-shot token for a URL, the
 * users (Fluidd's settings page lists them at start-up) and the API key, shown as the REST API shows
 * them: every user to a holder of SETTINGS, only oneself to anyone else; the key to SETTINGS only,
 * and only while the password entered at login is recent (accessControl.reauthenticationTimeoutMinutes).
 */
import { inject, injectable } from 'inversify';
import { AuthManager, LoginError, type AuthPrincipal } from '../../auth/api.js';
import { hasPermissions } from '../../http/principal.js';
import { apiSettings } from '../../auth/settings.js';
import { SettingsService } from '../../settings/settings-service.js';
import { MoonrakerAccess } from '../access.js';
import { BEFORE_SIGN_IN, RpcError, type RpcMethod, type RpcMethodContribution } from '../rpc.js';

@injectable()
export class AccessMethods implements RpcMethodContribution {
  constructor(
    @inject(MoonrakerAccess) private readonly access: MoonrakerAccess,
    @inject(AuthManager) private readonly auth: AuthManager,
    @inject(SettingsService) private readonly settings: SettingsService,
  ) {}

  methods(): Record<string, RpcMethod> {
    return {
      'access.oneshot_token': { permission: 'STATUS', handle: (_p, call) => this.access.oneshot(call.principal) },
      'access.get_user': {
        permission: 'STATUS',
        handle: (_p, call) => ({ username: call.principal.name, source: call.principal.via === 'anonymous' ? 'trusted' : 'moonraker', created_on: 0 }),
      },
      'access.users.list': {
        permission: 'STATUS',
        handle: (_p, call) => {
          const all = hasPermissions(call.principal, ['SETTINGS']);
          const users = this.auth.users.list().filter((u) => all || u.name === call.principal.name);
          return { users: users.map((u) => ({ username: u.name, source: 'moonraker', created_on: 0 })) };
        },
      },
      // over the websocket: the connection acts as the user from then on, as after identify's access_token
      'access.login': {
        permission: BEFORE_SIGN_IN,
        handle: async (params, call) => {
          try {
            const { principal, token, refreshToken } = await this.access.login(params.string('username'), params.string('password'), call.address);
            call.session.authenticate(this.access.principalOfToken(token) ?? principal);
            return { username: principal.name, token, refresh_token: refreshToken, source: 'moonraker', action: 'user_logged_in' };
          } catch (err) {
            if (err instanceof LoginError) throw new RpcError(err.status, err.message);
            throw err;
          }
        },
      },
      // the connection's own session (a login's token): ended, and every socket riding on it closes
      'access.logout': {
        permission: 'STATUS',
        handle: (_p, call) => {
          const session = (call.principal as AuthPrincipal).session;
          if (!session) throw new RpcError(400, 'No user logged in: the connection uses a key or a trusted network');
          // after the answer has left: the socket riding on the session closes with it
          setImmediate(() => this.auth.revokeSession(session));
          return { username: call.principal.name, action: 'user_logged_out' };
        },
      },
      'access.refresh_jwt': {
        permission: BEFORE_SIGN_IN,
        handle: (params) => {
          const refreshed = this.access.refresh(params.string('refresh_token'));
          if (!refreshed) throw new RpcError(401, 'Invalid Refresh Token');
          return { ...refreshed, source: 'moonraker', action: 'user_jwt_refresh' };
        },
      },
      // the host's key lets anyone past every check that asks for the password again: only for a recent one
      'access.get_api_key': {
        permission: 'SETTINGS',
        handle: (_p, call) => {
          if (!this.auth.credentialsCheckedRecently(call.principal)) throw new RpcError(403, 'Please reauthenticate: log in again (access.login) to read the API key');
          return this.settings.of(apiSettings).get().key;
        },
      },
      'access.info': {
        permission: BEFORE_SIGN_IN,
        handle: () => ({ default_source: 'moonraker', available_sources: ['moonraker'], login_required: true, trusted: false }),
      },
    };
  }
}
