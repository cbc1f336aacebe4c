/**
 * `cuttle keys`: decide on application-key requests made through `POST /plugin/appkeys/request`.
 *   cuttle keys pending [--basedir DIR]
 *   cuttle keys approve TOKEN [--user NAME] [--basedir DIR]   (the key's owner: --user, else whom the app named, else the first admin)
 *   cuttle keys deny TOKEN [--basedir DIR]
 */
import { AppKeyRequestError, AppKeyRequests } from '../../auth/appkey-requests.js';
import { UserStore } from '../../auth/user-store.js';
import { BASEDIR_OPTIONS, basedirOption, stringOption, UsageError, type CliCommand, type CommandArgs } from '../command.js';
import { shown } from '../shown.js';

const USAGE = `usage: cuttle keys pending [--basedir DIR]
       cuttle keys approve TOKEN [--user NAME] [--basedir DIR]
       cuttle keys deny TOKEN [--basedir DIR]
  --user NAME       who owns the approved key (default: whom the app named, else the first admin)
  --basedir DIR     where users.yaml and the pending requests are (default ~/.cuttle)`;

async function run(args: CommandArgs): Promise<number> {
  const [action, token] = args.positional;
  const basedir = basedirOption(args);
  const requests = new AppKeyRequests(basedir, new UserStore(basedir));
  try {
    if (action === 'pending') {
      const pending = requests.pending();
      if (!pending.length) console.log('no pending requests');
      for (const r of pending) {
        console.log(`${r.token}\tapp "${shown(r.app)}"${r.user ? `\tfor user "${shown(r.user)}"` : ''}\texpires in ${Math.round((r.expires - Date.now()) / 1000)} s`);
      }
      return 0;
    }
    if ((action === 'approve' || action === 'deny') && token) {
      const decided = requests.decide(token, action === 'approve', stringOption(args, 'user'));
      console.log(action === 'approve' ? `approved "${shown(decided.app)}": key for user "${shown(decided.owner ?? "")}"` : `denied "${shown(decided.app)}"`);
      return 0;
    }
  } catch (err) {
    if (!(err instanceof AppKeyRequestError)) throw err;
    console.error(`cuttle keys: ${err.message}`);
    return 1;
  }
  throw new UsageError(action === 'approve' || action === 'deny' ? 'which request? TOKEN is missing' : action ? `unknown action "${action}"` : 'pending, approve or deny?');
}

const command: CliCommand = {
  name: 'keys',
  summary: 'list, approve or deny pending application-key requests',
  usage: USAGE,
  options: { basedir: BASEDIR_OPTIONS.basedir, user: { type: 'string' } },
  positionals: true,
  run,
};
export default command;
