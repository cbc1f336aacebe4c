/**
 * `cuttle config`: the configuration without starting the host.
 *   cuttle config check   validates config.yaml, the environment, secret files and --set, as `serve`
 *                         would, plugins' sections included; a mistake exits 1 naming the key, the
 *                         file and the line (or the environment variable that set it)
 *   cuttle config show    every setting's effective value, secrets redacted, and where it came from
 *                         (default, the file and line, env NAME, a secret's file, --set), plugins'
 *                         sections included (`plugins.<id>.<key>`); --json for tools
 */
import { PassThrough } from 'node:stream';
import { CuttleHost } from '../../host.js';
import { pluginSettingLeaves } from '../../plugins/plugin-settings.js';
import { describeOrigin } from '../../settings/config-sources.js';
import { ConfigError } from '../../settings/settings-service.js';
import { flagOption, settingsOptions, SETTINGS_OPTIONS, SETTINGS_USAGE, UsageError, type CliCommand, type CommandArgs } from '../command.js';

const USAGE = `usage: cuttle config check [--basedir DIR] [--config FILE] [--set KEY=VALUE …]
       cuttle config show [--json] [--basedir DIR] [--config FILE] [--set KEY=VALUE …]
  --json            print the settings as a JSON list of {key, value, origin}
Every setting can also be given in the environment: CUTTLE_ and its key in capitals, dots and
camelCase words joined by _ (server.port: CUTTLE_SERVER_PORT; api.keyFile: CUTTLE_API_KEY_FILE).
Precedence: defaults < config.yaml < environment < --set; a secret's <key>File wins over all.
${SETTINGS_USAGE}`;

async function run(args: CommandArgs): Promise<number> {
  const [action, extra] = args.positional;
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
  if (action !== 'check' && action !== 'show') throw new UsageError(action ? `unknown action "${action}"` : 'check or show?');
  const options = settingsOptions(args);
  try {
    if (action === 'show') return show(options, flagOption(args, 'json'));
    return check(options);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`cuttle config: ${err.message}`);
    return 1;
  }
}

function show(options: ReturnType<typeof settingsOptions>, json: boolean): number {
  const host = CuttleHost.create({ ...options, logStream: new PassThrough() });
  const settings = host.settings;
  host.loadPlugins();
  // a plugin whose section does not fit its schema has no values to show: it is named as check names it
  const errors = reportPluginErrors(host);
  const plugins = host.plugins.list().flatMap((record) => {
    const running = record.state === 'loaded' ? host.plugins.settingsOf(record.id) : undefined;
    return running ? settings.effectiveOfPlugin(record.id, pluginSettingLeaves(running.schema, running.settings.get())) : [];
  });
  host.plugins.unload();
  const rows = [...settings.effective(), ...plugins].map((row) => ({ key: row.key, value: row.value, origin: describeOrigin(row.origin) }));
  if (json) {
    console.log(JSON.stringify(rows, null, 2));
    return 0;
  }
  const width = Math.max(...rows.map((r) => r.key.length));
  for (const row of rows) console.log(`${row.key.padEnd(width)}  ${JSON.stringify(row.value)}  (${row.origin})`);
  return errors > 0 ? 1 : 0;
}

/** The host's own checks: settings, then plugins' sections (constructed, never started). */
function check(options: ReturnType<typeof settingsOptions>): number {
  const host = CuttleHost.create({ ...options, logStream: new PassThrough() });
  host.loadPlugins();
  const errors = reportPluginErrors(host);
  host.plugins.unload();
  if (errors > 0) return 1;
  console.log(`cuttle config: ${host.settings.configFile} is valid`);
  return 0;
}

/** Writes each plugin section that does not fit its plugin's schema to stderr (key, file, line); how many. */
function reportPluginErrors(host: CuttleHost): number {
  const errors = host.plugins.settingsErrors();
  for (const err of errors) console.error(`cuttle config: ${new ConfigError(err.file, err.key, err.problem, err.where ?? host.settings.where(err.key)).message}`);
  return errors.length;
}

const command: CliCommand = {
  name: 'config',
  summary: 'check the configuration without starting, or show each setting and where it came from',
  usage: USAGE,
  options: { ...SETTINGS_OPTIONS, json: { type: 'boolean' } },
  positionals: true,
  run,
};
export default command;
