/** `cuttle plugins [--basedir DIR] [--json]`: what loads, from where, and what failed, without starting the host. */
import { CuttleHost } from '../../host.js';
import { BASEDIR_OPTIONS, BASEDIR_USAGE, basedirOption, flagOption, stringOption, type CliCommand, type CommandArgs } from '../command.js';

async function run(args: CommandArgs): Promise<number> {
  const host = CuttleHost.create({
    basedir: basedirOption(args),
    configFile: stringOption(args, 'config'),
    overrides: { 'logging.level': 'silent' },
  });
  host.loadPlugins();
  const records = host.plugins.list();
  if (flagOption(args, 'json')) {
    console.log(JSON.stringify(records, null, 2));
    return 0;
  }
  for (const r of records) {
    const line = `${r.state.padEnd(8)} ${r.id.padEnd(22)} ${(r.version || '-').padEnd(8)} ${r.origin.padEnd(7)} ${r.source}`;
    console.log(r.error ? `${line}\n         ${r.error}` : line);
  }
  return 0;
}

const command: CliCommand = {
  name: 'plugins',
  summary: 'list plugins: loaded, disabled, failed, and where from',
  usage: `usage: cuttle plugins [--json] [--basedir DIR] [--config FILE]
  --json            print the records as JSON
${BASEDIR_USAGE}`,
  options: { ...BASEDIR_OPTIONS, json: { type: 'boolean' } },
  run,
};
export default command;
