/**
 * `cuttle user`: manage the users in <basedir>/users.yaml (works while the server runs; it re-reads the file).
 *   cuttle user add NAME [--admin] [--readonly] [--password-stdin] [--basedir DIR]
 *   cuttle user key NAME [--app APP] [--basedir DIR]   prints the new key alone as its last line; replaces NAME's key for APP
 *   cuttle user list | remove NAME | revoke KEY [--basedir DIR]
 */
import { UserStore, UserStoreError } from '../../auth/user-store.js';
import { BASEDIR_OPTIONS, basedirOption, flagOption, stringOption, UsageError, type CliCommand, type CommandArgs } from '../command.js';
import { shown } from '../shown.js';

const USAGE = `usage: cuttle user add NAME [--admin|--readonly] [--password-stdin] [--basedir DIR]
       cuttle user key NAME [--app APP] [--basedir DIR]
       cuttle user list | remove NAME | revoke KEY [--basedir DIR]
  --admin           the user is an administrator (groups users, admins)
  --readonly        the user may only read (group readonly)
  --password-stdin  read the password from the first line of stdin
  --app APP         the application the key is for (default: a new one per call)
  --basedir DIR     where users.yaml is (default ~/.cuttle)`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // the first line only: `echo secret | cuttle user add …` must not put the newline in the password
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

async function run(args: CommandArgs): Promise<number> {
  const [action, target] = args.positional;
  const store = new UserStore(basedirOption(args));
  try {
    switch (action) {
      case 'add': {
        if (!target) break;
        let password: string | undefined;
        if (flagOption(args, 'password-stdin')) {
          password = await readStdin();
          if (!password) throw new UserStoreError('empty password on stdin');
        }
        const groups = flagOption(args, 'admin') ? (['users', 'admins'] as const) : flagOption(args, 'readonly') ? (['readonly'] as const) : (['users'] as const);
        await store.add(target, { password, groups: [...groups] });
        console.log(`added user "${target}" (${groups.join(', ')}) to ${store.file}`);
        return 0;
      }
      case 'key': {
        if (!target) break;
        // one key per app and user (a new one replaces the old): without --app each call is its own app
        const app = stringOption(args, 'app');
        const key = store.addKey(target, app);
        console.log(`new application key for "${target}" (app "${shown(store.findKey(key)?.app ?? app ?? "")}"):`);
        console.log(key);
        return 0;
      }
      case 'list':
        for (const u of store.list()) console.log(`${shown(u.name)}\t${shown(u.groups.join(','))}\t${u.active ? 'active' : 'inactive'}\t${u.apikeys.length} key(s)`);
        return 0;
      case 'remove':
        if (!target) break;
        if (!store.remove(target)) throw new UserStoreError(`no user "${target}"`);
        console.log(`removed user "${target}"`);
        return 0;
      case 'revoke':
        if (!target) break;
        if (!store.revokeKey(target)) throw new UserStoreError('no such key');
        console.log('key revoked');
        return 0;
    }
  } catch (err) {
    if (!(err instanceof UserStoreError)) throw err;
    console.error(`cuttle user: ${err.message}`);
    return 1;
  }
  throw new UsageError(['add', 'key', 'remove', 'revoke'].includes(action ?? '') ? `${action} what? an argument is missing` : action ? `unknown action "${action}"` : 'add, key, list, remove or revoke?');
}

const command: CliCommand = {
  name: 'user',
  summary: 'add users, give them application keys, list, remove, revoke',
  usage: USAGE,
  options: {
    basedir: BASEDIR_OPTIONS.basedir,
    admin: { type: 'boolean' },
    readonly: { type: 'boolean' },
    'password-stdin': { type: 'boolean' },
    app: { type: 'string' },
  },
  positionals: true,
  run,
};
export default command;
