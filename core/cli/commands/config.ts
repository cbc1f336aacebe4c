/**
 * `cuttle config`: the configuration without starting the host.
 *   cuttle config check   validates config.yaml, the environment, secret files and --set, as `serve`
 *                         would, plugins' sections included; a mistake exits 1 naming the key, the
 *                         file and the line (or the environment variable that set it)
 *   cuttle config show    every setting's effective value, secrets redacted, and where it came from
 *                         (default, the file and line, env NAME, a secret's file, --set); --json for tools
 */
import { PassThrough } from 'node:stream';
import { loadSettings } from '../../container.js';
import { CuttleHost } from '../../host.js';
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
  const settings = loadSettings(options);
  const rows = settings.effective().map((row) => ({ key: row.key, value: row.value, origin: describeOrigin(row.origin) }));
  if (json) {
    console.log(JSON.stringify(rows, null, 2));
    return 0;
  }
  const width = Math.max(...rows.map((r) => r.key.length));
  for (const row of rows) console.log(`${row.key.padEnd(width)}  ${JSON.stringify(row.value)}  (${row.origin})`);
  return 0;
}

/** The host's own checks: settings, then plugins' sections (constructed, never started). */
function check(options: ReturnType<typeof settingsOptions>): number {
  const host = CuttleHost.create({ ...options, logStream: new PassThrough() });
  const settings = host.settings;
  host.loadPlugins();
  const errors = host.plugins.settingsErrors();
  host.plugins.unload();
  for (const err of errors) console.error(`cuttle config: ${new ConfigError(err.file, err.key, err.problem, err.where ?? settings.where(err.key)).message}`);
  if (errors.length > 0) return 1;
  console.log(`cuttle config: ${settings.configFile} is valid`);
  return 0;
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
