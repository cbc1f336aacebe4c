/** `access.*` as far as clients need it over the websocket: who am I, and a one-shot token for a URL. */
import { inject, injectable } from 'inversify';
import { MoonrakerAccess } from '../access.js';
import type { RpcMethod, RpcMethodContribution } from '../rpc.js';

@injectable()
export class AccessMethods implements RpcMethodContribution {
  constructor(@inject(MoonrakerAccess) private readonly access: MoonrakerAccess) {}

  methods(): Record<string, RpcMethod> {
    return {
      'access.oneshot_token': { permission: 'STATUS', handle: (_p, call) => this.access.oneshot(call.principal) },
      'access.get_user': {
        permission: 'STATUS',
        handle: (_p, call) => ({ username: call.principal.name, source: call.principal.via === 'anonymous' ? 'trusted' : 'moonraker', created_on: 0 }),
      },
      'access.info': {
        permission: 'STATUS',
        handle: () => ({ default_source: 'moonraker', available_sources: ['moonraker'], login_required: true, trusted: false }),
      },
    };
  }
}
