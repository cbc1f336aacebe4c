/**
 * `cuttle events`: try event hooks without waiting for the event.
 *   cuttle events fire EVENT [--payload '{"name": "a.gcode"}'] [--json]   run the subscriptions for EVENT
 *   cuttle events check [--json]                                          list subscriptions and rejected entries
 * Common options: --basedir DIR, --config FILE. `fire` asks the host that runs on the basedir (found
 * through <basedir>/host.json, never guessed from config.yaml: the key must not go to whatever listens
 * on the configured port) so gcode commands reach the connected printer; `--url`/`--key` name another.
 * With no host running there it runs the subscriptions in this process, where gcode commands are
 * skipped (no printer); a host that runs but does not answer is an error.
 */
import { CuttleHost } from '../../host.js';
import { EventHooks, type TestFireResult } from '../../event-hooks/api.js';
import { eventHooksSettings } from '../../event-hooks/settings.js';
import { flagOption, settingsOptions, SETTINGS_OPTIONS, SETTINGS_USAGE, stringOption, UsageError, type CommandArgs, type CliCommand } from '../command.js';
import { findRunningHost } from '../../common/running-host.js';
import { apiSettings } from '../../auth/settings.js';

const USAGE = `usage: cuttle events fire EVENT [--payload JSON] [--json] [--url URL --key KEY] [--basedir DIR] [--config FILE]
       cuttle events check [--json] [--basedir DIR] [--config FILE]
  --payload JSON    the event's payload, a JSON object (default {})
  --json            print the result as JSON
  --url URL         the host to ask (default: the one running on the basedir, see <basedir>/host.json)
  --key KEY         the API key to send with --url (default api.key of the config)
${SETTINGS_USAGE}`;

async function run(args: CommandArgs): Promise<number> {
  const [action, event, extra] = args.positional;
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
  const json = flagOption(args, 'json');
  if (action !== 'fire' && action !== 'check') throw new UsageError(action ? `unknown action "${action}"` : 'fire or check?');
  if (action === 'fire' && !event) throw new UsageError('which event? EVENT is missing');
  let payload: unknown;
  try {
    payload = JSON.parse(stringOption(args, 'payload') ?? '{}');
  } catch (err) {
    throw new UsageError(`--payload is not valid JSON: ${(err as Error).message}`);
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) throw new UsageError('--payload must be a JSON object');
  const options = settingsOptions(args, { 'logging.level': 'silent' });
  const basedir = options.basedir;
  const host = CuttleHost.create(options);
  if (action === 'check') return check(host, json);
  const explicit = stringOption(args, 'url');
  const running = explicit ? undefined : findRunningHost(basedir);
  if (!explicit && !running) {
    console.error(`cuttle events: no cuttle is running on ${basedir}; running the subscriptions here, gcode commands are skipped`);
    return print(await fireHere(host, event!, payload), json);
  }
  const url = explicit ?? running!.url;
  const key = stringOption(args, 'key') ?? host.settings.of(apiSettings).get().key;
  let result: TestFireResult;
  try {
    const response = await fetch(new URL('/api/events/test', url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify({ event, payload }),
    });
    const body = (await response.json()) as TestFireResult & { error?: string };
    if (!response.ok) {
      console.error(`cuttle events: ${url} answered ${response.status}: ${body.error ?? ''}`);
      return 1;
    }
    result = body;
  } catch (err) {
    if (running) {
      console.error(`cuttle events: the host running on ${basedir} (pid ${running.pid}) does not answer at ${url}: ${(err as Error).message}`);
      return 1;
    }
    console.error(`cuttle events: no server at ${url} (${(err as Error).message}); running the subscriptions here, gcode commands are skipped`);
    result = await fireHere(host, event!, payload);
  }
  return print(result, json);
}

async function fireHere(host: CuttleHost, event: string, payload: object): Promise<TestFireResult> {
  host.loadPlugins();
  const hooks = host.get<EventHooks>(EventHooks);
  hooks.reload();
  return hooks.testFire(event, payload);
}

/** Prints the result; the exit code is 1 when a subscription failed. */
function print(result: TestFireResult, json: boolean): number {
  if (json) console.log(JSON.stringify(result, null, 2));
  else printText(result);
  return result.subscriptions.some((s) => s.status === 'failed') ? 1 : 0;
}

function printText(result: TestFireResult): void {
  if (!result.enabled) console.log('event hooks are off (events.enabled: false): nothing ran');
  else if (result.subscriptions.length === 0) console.log(`no subscription for ${result.event}`);
  for (const s of result.subscriptions) {
    console.log(`${s.status.padEnd(7)} ${s.label}${s.reason ? `: ${s.reason}` : ''}`);
    for (const c of s.commands) {
      console.log(`  ${c.status.padEnd(7)} ${c.command}${c.exitCode !== undefined && c.exitCode !== null ? `  (exit ${c.exitCode})` : ''}${c.detail ? `  ${c.detail}` : ''}`);
      for (const [name, text] of [['stdout', c.stdout], ['stderr', c.stderr]] as const) {
        if (text) console.log(`    ${name}: ${text.trimEnd().replace(/\n/g, '\n            ')}`);
      }
    }
  }
}

function check(host: CuttleHost, json: boolean): number {
  host.loadPlugins();
  const hooks = host.get<EventHooks>(EventHooks);
  hooks.reload();
  const subscriptions = hooks.subscriptions().map((s) => ({ index: s.index, label: s.label, enabled: s.enabled, commands: s.commands }));
  const problems = hooks.problems();
  const { enabled } = host.settings.of(eventHooksSettings).get();
  if (json) console.log(JSON.stringify({ enabled, subscriptions, problems }, null, 2));
  else {
    if (!enabled) console.log('event hooks are off (events.enabled: false)');
    for (const s of subscriptions) console.log(`ok       ${s.label}${s.enabled ? '' : ' (disabled)'}`);
    for (const p of problems) console.log(`invalid  events.subscriptions[${p.index}]: ${p.reason}`);
  }
  return problems.length > 0 ? 1 : 0;
}

const command: CliCommand = {
  name: 'events',
  summary: 'fire an event at the event hooks (test-firing) or check the subscriptions',
  usage: USAGE,
  options: { ...SETTINGS_OPTIONS, payload: { type: 'string' }, json: { type: 'boolean' }, url: { type: 'string' }, key: { type: 'string' } },
  positionals: true,
  run,
};
export default command;
