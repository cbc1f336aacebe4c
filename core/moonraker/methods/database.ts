/** `server.database.*`: the clients' settings, per printer, in the host's database (database-store.ts). */
import { inject, injectable } from 'inversify';
import { MOONRAKER_NAMESPACE, MoonrakerDatabase } from '../database-store.js';
import { RPC_INVALID_PARAMS, RpcError, type Params, type RpcMethod, type RpcMethodContribution } from '../rpc.js';

/** a namespace a client may change: Moonraker's own is read-only to clients, as in Moonraker */
function writableNamespaceOf(params: Params): string {
  const namespace = namespaceOf(params);
  if (namespace === MOONRAKER_NAMESPACE) throw new RpcError(403, `Write access to namespace '${namespace}' is forbidden`);
  return namespace;
}

function namespaceOf(params: Params): string {
  const namespace = params.string('namespace');
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(namespace)) throw new RpcError(RPC_INVALID_PARAMS, 'Invalid namespace: 1 to 64 of A-Z, a-z, 0-9, _ . -');
  return namespace;
}

@injectable()
export class DatabaseMethods implements RpcMethodContribution {
  constructor(@inject(MoonrakerDatabase) private readonly db: MoonrakerDatabase) {}

  methods(): Record<string, RpcMethod> {
    return {
      'server.database.list': { permission: 'STATUS', handle: (_p, call) => ({ namespaces: this.db.namespaces(call.printer.id), backups: [] }) },
      'server.database.get_item': {
        permission: 'STATUS',
        handle: (params, call) => {
          const namespace = namespaceOf(params);
          const key = params.optionalString('key');
          return { namespace, key: key ?? null, value: this.db.get(call.printer.id, namespace, key) };
        },
      },
      // a client's own settings: any signed-in user may keep them, as with Moonraker
      'server.database.post_item': {
        permission: 'STATUS',
        handle: (params, call) => {
          const namespace = writableNamespaceOf(params);
          const key = params.string('key');
          const value = params.value('value');
          this.db.post(call.printer.id, namespace, key, value);
          return { namespace, key, value };
        },
      },
      'server.database.delete_item': {
        permission: 'STATUS',
        handle: (params, call) => {
          const namespace = writableNamespaceOf(params);
          const key = params.string('key');
          return { namespace, key, value: this.db.delete(call.printer.id, namespace, key) };
        },
      },
    };
  }
}
