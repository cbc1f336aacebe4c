/**
 * `cuttle user`: manage the users in <basedir>/users.yaml (works while the server runs; it re-reads the file).
 *   cuttle user add NAME [--admin] [--readonly] [--password-stdin] [--basedir DIR]
 *   cuttle user key NAME [--app APP] [--basedir DIR]   prints the new key alone as its last line; replaces NAME's key for APP
 *   cuttle user list | remove NAME | revoke KEY [--basedir DIR]
 */
import { UserStore, UserStoreError } from '../../auth/user-store.js';
import { basedirOption, parseArgs, stringOption, type CliCommand } from '../command.js';

const USAGE = `usage: cuttle user add NAME [--admin|--readonly] [--password-stdin] [--basedir DIR]
       cuttle user key NAME [--app APP] [--basedir DIR]
       cuttle user list | remove NAME | revoke KEY [--basedir DIR]`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // the first line only: `echo secret | cuttle user add …` must not put the newline in the password
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['admin', 'readonly', 'password-stdin']);
  const [action, target] = args.positional;
  const store = new UserStore(basedirOption(args));
  try {
    switch (action) {
      case 'add': {
        if (!target) break;
        let password: string | undefined;
        if (args.options['password-stdin']) {
          password = await readStdin();
          if (!password) throw new UserStoreError('empty password on stdin');
        }
        const groups = args.options['admin'] ? (['users', 'admins'] as const) : args.options['readonly'] ? (['readonly'] as const) : (['users'] as const);
        await store.add(target, { password, groups: [...groups] });
        console.log(`added user "${target}" (${groups.join(', ')}) to ${store.file}`);
        return 0;
      }
      case 'key': {
        if (!target) break;
        // one key per app and user (a new one replaces the old): without --app each call is its own app
        const app = stringOption(args, 'app');
        const key = store.addKey(target, app);
        console.log(`new application key for "${target}" (app "${store.findKey(key)?.app ?? app}"):`);
        console.log(key);
        return 0;
      }
      case 'list':
        for (const u of store.list()) console.log(`${u.name}\t${u.groups.join(',')}\t${u.active ? 'active' : 'inactive'}\t${u.apikeys.length} key(s)`);
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
  console.error(USAGE);
  return 2;
}

const command: CliCommand = { name: 'user', summary: 'add users, give them application keys, list, remove, revoke', run };
export default command;
