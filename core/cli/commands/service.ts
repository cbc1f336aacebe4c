/**
 * `cuttle service`: cuttle as a systemd service.
 *   cuttle service install [--user NAME] [--basedir DIR] [--name UNIT] [--unit-dir DIR] [--print]
 *   cuttle service status | uninstall [--name UNIT] [--unit-dir DIR]
 * install writes <unit-dir>/<UNIT>.service (see core/service/unit-file.ts); in systemd's own folder
 * it then has systemd reload and enable it. With --unit-dir (another folder, e.g. a test's) only the
 * file is written or removed and systemctl is never run. Exit 0 done, 1 refused or not installed, 2 usage.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../common/atomic-write.js';
import { findAccount, groupExists } from '../../service/accounts.js';
import { checkUserName, SERIAL_GROUP, systemdUnit } from '../../service/unit-file.js';
import { flagOption, stringOption, UsageError, type CliCommand, type CommandArgs } from '../command.js';
import { makeDirectory } from '../../common/make-directory.js';

const SYSTEM_UNIT_DIR = '/etc/systemd/system';
const DEFAULT_USER = 'cuttle';

const USAGE = `usage: cuttle service install [--user NAME] [--basedir DIR] [--name UNIT] [--unit-dir DIR] [--print]
       cuttle service status [--name UNIT] [--unit-dir DIR]
       cuttle service uninstall [--name UNIT] [--unit-dir DIR]
  --user NAME       the account cuttle runs as, never root (default ${DEFAULT_USER}); it gets the ${SERIAL_GROUP} group
  --basedir DIR     the basedir, the one folder the service may write (default: the user's ~/.cuttle)
  --name UNIT       the unit's name (default cuttle: cuttle.service)
  --unit-dir DIR    write the unit there, and leave systemctl alone (default ${SYSTEM_UNIT_DIR}, then reload and enable)
  --print           write the unit to standard output instead of installing it`;

function unitName(args: CommandArgs): string {
  const name = stringOption(args, 'name') ?? 'cuttle';
  if (!/^[A-Za-z0-9:_.\\-]+$/.test(name) || name.startsWith('-')) throw new UsageError(`--name "${name}" is not a valid unit name`);
  return name;
}

function unitFile(args: CommandArgs): { file: string; system: boolean } {
  const dir = path.resolve(stringOption(args, 'unit-dir') ?? SYSTEM_UNIT_DIR);
  return { file: path.join(dir, `${unitName(args)}.service`), system: dir === SYSTEM_UNIT_DIR };
}

/** Runs systemctl with an argv (no shell); resolves with its output, or rejects naming what failed. */
function systemctl(...argv: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('systemctl', argv, { timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`systemctl ${argv.join(' ')} failed: ${String(stderr).trim() || err.message}`));
      else resolve(String(stdout));
    });
  });
}

async function install(args: CommandArgs): Promise<number> {
  const user = stringOption(args, 'user') ?? DEFAULT_USER;
  const problem = checkUserName(user);
  if (problem) throw new UsageError(problem);
  const account = findAccount(user);
  const given = stringOption(args, 'basedir');
  const basedir = path.resolve(given ?? path.join(account?.home ?? `/var/lib/${user}`, '.cuttle'));
  const unit = systemdUnit({ user, basedir, node: process.execPath, cli: path.resolve(__dirname, '..', 'main.js') });
  if (flagOption(args, 'print')) {
    process.stdout.write(unit);
    return 0;
  }
  const { file, system } = unitFile(args);
  if (!account) {
    console.error(`cuttle service: warning: there is no user "${user}" yet; create it before starting the service:\n  sudo useradd --system --create-home --groups ${SERIAL_GROUP} ${user}`);
  }
  if (!groupExists(SERIAL_GROUP)) {
    console.error(`cuttle service: warning: this system has no "${SERIAL_GROUP}" group (the unit's SupplementaryGroups=); systemd will refuse to start the service until it exists:\n  sudo groupadd --system ${SERIAL_GROUP}`);
  }
  await makeDirectory(basedir);
  const owner = (await fs.promises.stat(basedir)).uid;
  if (account && owner !== account.uid) console.error(`cuttle service: warning: ${basedir} is not owned by ${user}; the service can only write it once it is:\n  sudo chown -R ${user}: ${basedir}`);
  try {
    await writeFileAtomic(file, unit, { mkdir: false });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EPERM' && code !== 'ENOENT') throw err;
    console.error(`cuttle service: cannot write ${file}: ${code === 'ENOENT' ? 'no such folder' : 'permission denied (run it with sudo, or give --unit-dir)'}`);
    return 1;
  }
  await fs.promises.chmod(file, 0o644);
  console.log(`wrote ${file}: cuttle runs as ${user} (group ${SERIAL_GROUP}) on ${basedir}`);
  if (!system) {
    console.log('systemctl was not run (--unit-dir names another folder than systemd\'s)');
    return 0;
  }
  await systemctl('daemon-reload');
  await systemctl('enable', path.basename(file));
  console.log(`enabled ${path.basename(file)}: start it now with \`sudo systemctl start ${path.basename(file)}\`; its log: \`journalctl -u ${path.basename(file)}\``);
  return 0;
}

/** The settings of an installed unit worth showing: whom it runs as and on which basedir. */
function describeUnit(text: string): string {
  const value = (key: string) => new RegExp(`^${key}=(.*)$`, 'm').exec(text)?.[1] ?? '?';
  return `user ${value('User')}, basedir ${value('ReadWritePaths')}`;
}

async function status(args: CommandArgs): Promise<number> {
  const { file, system } = unitFile(args);
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch {
    console.log(`not installed: there is no ${file}`);
    return 1;
  }
  console.log(`installed: ${file} (${describeUnit(text)})`);
  if (!system) return 0;
  try {
    const state = await systemctl('show', path.basename(file), '--property=UnitFileState,ActiveState,SubState,MainPID,StatusText');
    process.stdout.write(state);
  } catch (err) {
    console.log(`systemd could not say how it runs: ${(err as Error).message}`);
  }
  return 0;
}

async function uninstall(args: CommandArgs): Promise<number> {
  const { file, system } = unitFile(args);
  if (!fs.existsSync(file)) {
    console.error(`cuttle service: not installed: there is no ${file}`);
    return 1;
  }
  if (system) await systemctl('disable', '--now', path.basename(file));
  await fs.promises.rm(file);
  if (system) await systemctl('daemon-reload');
  console.log(`removed ${file}; the basedir is left as it is`);
  return 0;
}

async function run(args: CommandArgs): Promise<number> {
  const [action, extra] = args.positional;
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
  if (action !== 'install') {
    for (const option of ['user', 'basedir', 'print']) if (args.values[option] !== undefined) throw new UsageError(`--${option} is for install`);
  }
  switch (action) {
    case 'install':
      return install(args);
    case 'status':
      return status(args);
    case 'uninstall':
      return uninstall(args);
    default:
      throw new UsageError(action ? `unknown action "${action}"` : 'install, status or uninstall?');
  }
}

const command: CliCommand = {
  name: 'service',
  summary: 'install, show or remove cuttle as a systemd service (a non-root user in the dialout group)',
  usage: USAGE,
  options: {
    user: { type: 'string' },
    basedir: { type: 'string' },
    name: { type: 'string' },
    'unit-dir': { type: 'string' },
    print: { type: 'boolean' },
  },
  positionals: true,
  run,
};
export default command;
