/**
 * `cuttle events`: try event hooks without waiting for the event.
 *   cuttle events fire EVENT [--payload '{"name": "a.gcode"}'] [--json]   run the subscriptions for EVENT
 *   cuttle events check [--json]                                          list subscriptions and rejected entries
 * Common options: --basedir DIR, --config FILE. `fire` asks the running server (POST /api/events/test,
 * `--url`/`--key` override config) so gcode commands reach the connected printer; when no server
 * answers it runs the subscriptions in this process, where gcode commands are skipped (no printer).
 */
import { CuttleHost } from '../../host.js';
import { EventHooks, type TestFireResult } from '../../event-hooks/api.js';
import { basedirOption, parseArgs, stringOption, type CliCommand } from '../command.js';

const USAGE = "usage: cuttle events fire EVENT [--payload JSON] [--json] [--url URL] [--key KEY] | check [--json]   [--basedir DIR] [--config FILE]";

async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['json']);
  const [action, event] = args.positional;
  const json = args.options['json'] === true;
  const host = CuttleHost.create({ basedir: basedirOption(args), configFile: stringOption(args, 'config'), overrides: { 'logging.level': 'silent' } });
  if (action === 'check') return check(host, json);
  if (action !== 'fire' || !event) {
    console.error(USAGE);
    return 2;
  }
  let payload: unknown;
  try {
    payload = JSON.parse(stringOption(args, 'payload') ?? '{}');
  } catch (err) {
    console.error(`cuttle events: --payload is not valid JSON: ${(err as Error).message}`);
    return 2;
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    console.error('cuttle events: --payload must be a JSON object');
    return 2;
  }
  const url = stringOption(args, 'url') ?? `http://${host.settings.get('server.host').replace(/^(0\.0\.0\.0|::)$/, '127.0.0.1')}:${host.settings.get('server.port')}`;
  const key = stringOption(args, 'key') ?? host.settings.get('api.key');
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
    console.error(`cuttle events: no server at ${url} (${(err as Error).message}); running the subscriptions here, gcode commands are skipped`);
    host.loadPlugins();
    const hooks = host.get<EventHooks>(EventHooks);
    hooks.reload();
    try {
      result = await hooks.testFire(event, payload);
    } catch (fireErr) {
      console.error(`cuttle events: ${(fireErr as Error).message}`);
      return 1;
    }
  }
  if (json) console.log(JSON.stringify(result, null, 2));
  else print(result);
  return result.subscriptions.some((s) => s.status === 'failed') ? 1 : 0;
}

function print(result: TestFireResult): void {
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
  if (json) console.log(JSON.stringify({ enabled: host.settings.get('events.enabled'), subscriptions, problems }, null, 2));
  else {
    if (!host.settings.get('events.enabled')) console.log('event hooks are off (events.enabled: false)');
    for (const s of subscriptions) console.log(`ok       ${s.label}${s.enabled ? '' : ' (disabled)'}`);
    for (const p of problems) console.log(`invalid  events.subscriptions[${p.index}]: ${p.reason}`);
  }
  return problems.length > 0 ? 1 : 0;
}

const command: CliCommand = { name: 'events', summary: 'fire an event at the event hooks (test-firing) or check the subscriptions', run };
export default command;
