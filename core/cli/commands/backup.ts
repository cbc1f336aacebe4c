/**
 * `cuttle backup`: save a basedir in one archive, and restore one (core/backup/).
 *   cuttle backup create [--exclude uploads,timelapses] [--output FILE] [--basedir DIR] [--config FILE]
 *   cuttle backup list [--basedir DIR]
 *   cuttle backup restore FILE [--basedir DIR] [--force]
 * create works while a host serves the basedir (the database is snapshot consistently); restore
 * refuses a basedir that a host serves, or that holds anything unless --force. Exit 0 done, 1 refused, 2 usage.
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeBackup, type BackupProgress } from '../../backup/archive-writer.js';
import { BackupError } from '../../backup/format.js';
import { isBackupName, newBackupName, parseParts } from '../../backup/names.js';
import { backupsFolder, planBackup } from '../../backup/plan.js';
import { restoreBackup } from '../../backup/restore.js';
import { CUTTLE_VERSION } from '../../common/version.js';
import { loadSettings } from '../../container.js';
import { ConfigError } from '../../settings/settings-service.js';
import { basedirOption, flagOption, listOption, SETTINGS_OPTIONS, SETTINGS_USAGE, settingsOptions, stringOption, UsageError, type CliCommand, type CommandArgs } from '../command.js';
import { makeDirectorySync } from '../../common/make-directory.js';

const USAGE = `usage: cuttle backup create [--exclude uploads,timelapses] [--output FILE] [--basedir DIR] [--config FILE]
       cuttle backup list [--basedir DIR] [--config FILE]
       cuttle backup restore FILE [--basedir DIR] [--force]
  --exclude PARTS   leave out uploads and/or timelapses (comma-separated, repeatable)
  --output FILE     write the archive there (default <basedir>/data/backups/cuttle-backup-<time>.tar.gz)
  --force           restore onto a basedir that holds files (they are set aside in <basedir>/.cuttle-before-restore-<time>/)
${SETTINGS_USAGE}`;

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** On a terminal, how far the backup got, on one line of stderr rewritten in place; in a pipe or a log, nothing. */
function terminalProgress(stream: NodeJS.WriteStream = process.stderr): { progress: BackupProgress; done(): void } {
  if (!stream.isTTY) return { progress: () => undefined, done: () => undefined };
  let shown = -1;
  return {
    progress: (fraction) => {
      const percent = Math.floor(fraction * 100);
      if (percent === shown) return;
      shown = percent;
      stream.write(`\rcuttle backup: ${percent} %`);
    },
    // the line is cleared for what follows
    done: () => void (shown >= 0 && stream.write('\r\x1b[K')),
  };
}

async function create(args: CommandArgs): Promise<number> {
  const settings = loadSettings(settingsOptions(args));
  const exclude = parseParts(listOption(args, 'exclude'));
  const given = stringOption(args, 'output');
  let output: string;
  if (given) {
    output = path.resolve(given);
    if (fs.existsSync(output)) throw new BackupError(`${output} exists already: name a new file`);
  } else {
    const folder = backupsFolder(settings);
    makeDirectorySync(folder, 0o700);
    output = path.join(folder, newBackupName(folder));
  }
  const shown = terminalProgress();
  const result = await writeBackup(planBackup(settings, exclude, CUTTLE_VERSION), output, shown.progress).finally(() => shown.done());
  for (const note of result.notes) console.error(`cuttle backup: note: ${note}`);
  if (result.skipped.length) console.error(`cuttle backup: left out ${result.skipped.length} link(s) or special file(s): ${result.skipped.join(', ')}`);
  console.log(`wrote ${result.file} (${mb(result.bytes)}, ${result.entries} entries${exclude.length ? `, without ${exclude.join(' and ')}` : ''})`);
  return 0;
}

async function list(args: CommandArgs): Promise<number> {
  const folder = backupsFolder(loadSettings(settingsOptions(args)));
  const names = fs.existsSync(folder) ? fs.readdirSync(folder).filter(isBackupName).sort().reverse() : [];
  if (names.length === 0) console.log(`no backups in ${folder}`);
  for (const name of names) console.log(`${name}\t${mb(fs.statSync(path.join(folder, name)).size)}`);
  return 0;
}

async function restore(args: CommandArgs, file: string): Promise<number> {
  const result = await restoreBackup(path.resolve(file), basedirOption(args), { force: flagOption(args, 'force') });
  console.log(`restored ${path.basename(file)} (${result.entries} entries, written ${result.header.created} by cuttle ${result.header.cuttleVersion}) onto ${result.basedir}`);
  if (result.setAside) console.log(`what ${result.basedir} held before is in ${result.setAside}`);
  return 0;
}

async function run(args: CommandArgs): Promise<number> {
  const [action, file, extra] = args.positional;
  if (extra !== undefined || (action !== 'restore' && file !== undefined)) throw new UsageError(`unexpected argument "${extra ?? file}"`);
  try {
    switch (action) {
      case 'create':
        return await create(args);
      case 'list':
        return await list(args);
      case 'restore':
        if (!file) throw new UsageError('restore which archive? FILE is missing');
        return await restore(args, file);
      default:
        throw new UsageError(action ? `unknown action "${action}"` : 'create, list or restore?');
    }
  } catch (err) {
    if (!(err instanceof BackupError) && !(err instanceof ConfigError)) throw err;
    console.error(`cuttle backup: ${err.message}`);
    return 1;
  }
}

const command: CliCommand = {
  name: 'backup',
  summary: 'save a basedir (config, users and keys, printers, history and events, uploads, timelapses) in one archive, or restore one',
  usage: USAGE,
  options: { ...SETTINGS_OPTIONS, exclude: { type: 'string', multiple: true }, output: { type: 'string' }, force: { type: 'boolean' } },
  positionals: true,
  run,
};
export default command;
