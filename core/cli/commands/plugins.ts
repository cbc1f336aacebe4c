/** `cuttle plugins [--basedir DIR] [--set KEY=VALUE] [--json]`: what loads, from where, and what failed, without starting the host. */
import { CuttleHost } from '../../host.js';
import { flagOption, settingsOptions, SETTINGS_OPTIONS, SETTINGS_USAGE, type CliCommand, type CommandArgs } from '../command.js';
import { shown } from '../shown.js';

async function run(args: CommandArgs): Promise<number> {
  const host = CuttleHost.create(settingsOptions(args, { 'logging.level': 'silent' }));
  host.loadPlugins();
  const records = host.plugins.list();
  if (flagOption(args, 'json')) {
    console.log(JSON.stringify(records, null, 2));
    return 0;
  }
  for (const r of records) {
    const line = `${r.state.padEnd(8)} ${r.id.padEnd(22)} ${(r.version || '-').padEnd(8)} ${r.origin.padEnd(7)} ${r.source}`;
    console.log(r.error ? `${shown(line)}\n         ${shown(r.error)}` : shown(line));
  }
  return 0;
}

const command: CliCommand = {
  name: 'plugins',
  summary: 'list plugins: loaded, disabled, failed, and where from',
  usage: `usage: cuttle plugins [--json] [--basedir DIR] [--config FILE] [--set KEY=VALUE …]
  --json            print the records as JSON
${SETTINGS_USAGE}`,
  options: { ...SETTINGS_OPTIONS, json: { type: 'boolean' } },
  run,
};
export default command;
