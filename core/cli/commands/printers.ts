/**
 * `cuttle printers`: the printers of a basedir.
 *   cuttle printers list [--json]
 *   cuttle printers add --id ID [--name N] [--port P] [--baudrate B] [--autoconnect] [--profile ID] [--listen PORT] [--entry JSON|YAML]
 *   cuttle printers remove ID
 * When a host runs on the basedir (its <basedir>/host.json) the command acts through that host's
 * REST API (/api/printers, with the config's global api.key), so the printer is added or removed live
 * and PrinterAdded/PrinterRemoved fire. With none running it edits config.yaml's `printers:` itself,
 * through the settings service (atomic, comments kept), with the port allow-list a host applies.
 * Exit 0 done, 1 refused, 2 usage.
 */
import YAML from 'yaml';
import type { PrinterJson } from '../../printers/printer-json.js';
import { PrinterRegistryError } from '../../printers/printer-registry.js';
import { checkedPrinterEntry, checkPrinterClashes, configuredPrinterEntries, savePrinterEntries } from '../../printers/printers-config.js';
import type { PrinterEntry } from '../../printer/printer-identity.js';
import { printersSettings } from '../../printers/settings.js';
import { hostTransports, loadSettings } from '../../container.js';
import { refuseEntryConnection } from '../../printer/transport/connection-request.js';
import type { ConvictSettings } from '../../settings/settings-impl.js';
import { ConfigError } from '../../settings/settings-service.js';
import { BASEDIR_OPTIONS, BASEDIR_USAGE, flagOption, settingsOptions, stringOption, UsageError, type CliCommand, type CommandArgs } from '../command.js';
import { findRunningHost, type RunningHost } from '../../common/running-host.js';
import { shown } from '../shown.js';
import { withFileLock } from '../../common/file-lock.js';
import { apiSettings } from '../../auth/settings.js';

const USAGE = `usage: cuttle printers list [--json] [--basedir DIR] [--config FILE]
       cuttle printers add --id ID [--name NAME] [--port PORT] [--baudrate N] [--autoconnect]
                           [--profile ID] [--listen PORT] [--entry JSON|YAML] [--basedir DIR] [--config FILE]
       cuttle printers remove ID [--basedir DIR] [--config FILE]
  --id ID           the new printer's id: a-z, 0-9 and "-" (served at /printer/ID/)
  --name NAME       its name (default: the id)
  --port PORT       a device path, a pty path or "virtual" (default virtual)
  --baudrate N      (default serial.baudrate)
  --autoconnect     connect it at start (and now, on a running host)
  --profile ID      its printer profile (default _default)
  --listen PORT     also serve its OctoPrint surface at the root of this TCP port
  --entry TEXT      the whole entry as JSON or YAML, e.g. '{"id": "p3", "connection": {"port": "virtual"}}';
                    the flags above override its keys
  --json            list: the printers as JSON (a running host's GET /api/printers answer, else config.yaml's entries)
${BASEDIR_USAGE}
A host running on the basedir is changed live through its REST API; otherwise config.yaml is edited.`;

/** A refusal to report: exit 1 with the message. */
class Refused extends Error {}

async function run(args: CommandArgs): Promise<number> {
  const [action, target, extra] = args.positional;
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
  if (action !== 'list' && action !== 'add' && action !== 'remove') throw new UsageError(action ? `unknown action "${action}"` : 'list, add or remove?');
  if (action === 'remove' && !target) throw new UsageError('remove which printer? ID is missing');
  if (action !== 'remove' && target !== undefined) throw new UsageError(`unexpected argument "${target}"`);
  const entry = action === 'add' ? entryOf(args) : undefined;
  let settings: ConvictSettings;
  try {
    settings = loadSettings(settingsOptions(args));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`cuttle printers: invalid configuration: ${err.message}`);
    return 1;
  }
  const running = findRunningHost(settings.basedir);
  try {
    if (running) {
      const remote = new RemoteHost(running, settings.of(apiSettings).get().key);
      if (action === 'list') return listRunning(await remote.call<{ printers: PrinterJson[] }>('GET', '/api/printers'), flagOption(args, 'json'));
      if (action === 'add') {
        const added = await remote.call<PrinterJson>('POST', '/api/printers', entry);
        console.log(`added printer "${added.id}" (${shown(added.name)}) to the host running on ${settings.basedir}: ${added.baseUrl}`);
      } else {
        await remote.call('DELETE', `/api/printers/${encodeURIComponent(target!)}`);
        console.log(`removed printer "${target}" from the host running on ${settings.basedir}`);
      }
      return 0;
    }
    if (action === 'list') return listConfigured(configuredPrinterEntries(settings), settings.of(printersSettings).get().length === 0, flagOption(args, 'json'));
    // read, change and write config.yaml under its lock: several `printers add` at once each
    // add to what the one before wrote, instead of all starting from the same file
    await withFileLock(settings.configFile, () => editConfigured(action, target, entry, loadSettings(settingsOptions(args))));
    return 0;
  } catch (err) {
    if (!(err instanceof Refused || err instanceof PrinterRegistryError)) throw err;
    console.error(`cuttle printers: ${err.message}`);
    return 1;
  }
}

/** The entry of `add`: --entry's mapping with the flags over it. */
function entryOf(args: CommandArgs): Record<string, unknown> {
  const text = stringOption(args, 'entry');
  let base: unknown = {};
  if (text !== undefined) {
    try {
      base = YAML.parse(text);
    } catch (err) {
      throw new UsageError(`--entry is neither JSON nor YAML: ${(err as Error).message.split('\n')[0]}`);
    }
    if (typeof base !== 'object' || base === null || Array.isArray(base)) throw new UsageError('--entry must be a mapping (JSON object) of id, name, connection, profile, listen');
  }
  const entry: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  const given = entry['connection'];
  const connection: Record<string, unknown> = typeof given === 'object' && given !== null && !Array.isArray(given) ? { ...given } : {};
  for (const key of ['id', 'name', 'profile'] as const) {
    const value = stringOption(args, key);
    if (value !== undefined) entry[key] = value;
  }
  const port = stringOption(args, 'port');
  if (port !== undefined) connection['port'] = port;
  const baudrate = wholeNumber(args, 'baudrate');
  if (baudrate !== undefined) connection['baudrate'] = baudrate;
  if (flagOption(args, 'autoconnect')) connection['autoconnect'] = true;
  const listen = wholeNumber(args, 'listen');
  if (listen !== undefined) entry['listen'] = listen;
  // a --entry connection that is not a mapping stays as given, for the entry check to name it
  if (Object.keys(connection).length > 0 || (given !== undefined && connection !== given && typeof given === 'object' && given !== null && !Array.isArray(given))) entry['connection'] = connection;
  if (entry['id'] === undefined) throw new UsageError('add needs --id (or an id in --entry)');
  return entry;
}

function wholeNumber(args: CommandArgs, key: string): number | undefined {
  const value = stringOption(args, key);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${key} expects a whole number, got "${value}"`);
  return Number(value);
}

/** The running host's REST API, with the config's global key; its refusals become PrinterRegistryError-like messages. */
class RemoteHost {
  constructor(
    private readonly host: RunningHost,
    private readonly key: string,
  ) {}

  async call<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(new URL(path, this.host.url), {
        method,
        headers: { 'x-api-key': this.key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new Refused(`the host running on this basedir (pid ${this.host.pid}) does not answer at ${this.host.url}: ${(err as Error).message}`);
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      const reason = (parsed as { error?: unknown } | undefined)?.error;
      throw new Refused(`${this.host.url} answered ${response.status}: ${typeof reason === 'string' ? reason : text.slice(0, 200)}`);
    }
    return parsed as T;
  }
}

/** add or remove in config.yaml, from the file as it is now (the caller holds its lock) */
async function editConfigured(action: 'add' | 'remove', target: string | undefined, entry: unknown, settings: ConvictSettings): Promise<void> {
  const entries = configuredPrinterEntries(settings);
  if (action === 'add') {
    const refused = await refuseEntryConnection(hostTransports(settings), (entry as Record<string, unknown>)['connection']);
    if (refused) throw new Refused(refused);
    const checked = checkedPrinterEntry(entry, settings);
    checkPrinterClashes(entries, checked, settings);
    await savePrinterEntries(settings, [...entries, checked]);
    console.log(`added printer "${checked.id}" (${shown(checked.name)}) to ${settings.configFile}; no host runs on ${settings.basedir}, it starts with the next one`);
  } else {
    if (settings.of(printersSettings).get().length === 0) {
      throw new Refused(`${settings.configFile} has no printers: list; its one printer "default" is the serial.* settings and cannot be removed`);
    }
    if (!entries.some((e) => e.id === target)) throw new PrinterRegistryError(404, `no printer "${target}" in ${settings.configFile}`);
    const left = entries.filter((e) => e.id !== target);
    await savePrinterEntries(settings, left);
    console.log(`removed printer "${target}" from ${settings.configFile}`);
    if (left.length === 0) console.log('printers: is empty now: the next host drives the one printer "default" through serial.*');
  }
}

function listRunning(answer: { printers: PrinterJson[] }, json: boolean): number {
  if (json) {
    console.log(JSON.stringify(answer, null, 2));
    return 0;
  }
  table(
    ['ID', 'NAME', 'STATE', 'URL'],
    answer.printers.map((p) => [p.id, p.name, p.state.text, `${p.baseUrl}${p.listen === null ? '' : ` (and port ${p.listen})`}`]),
  );
  return 0;
}

function listConfigured(entries: PrinterEntry[], implicit: boolean, json: boolean): number {
  if (json) {
    console.log(JSON.stringify({ printers: entries }, null, 2));
    return 0;
  }
  table(
    ['ID', 'NAME', 'PORT', 'BAUDRATE', 'AUTOCONNECT', 'PROFILE', 'LISTEN'],
    entries.map((e) => [e.id, e.name, e.connection.port, String(e.connection.baudrate), String(e.connection.autoconnect), e.profile, e.listen === undefined ? '-' : String(e.listen)]),
  );
  console.log(implicit ? '(no printers: in config.yaml: the one printer follows serial.*; no host is running)' : '(no host is running on this basedir)');
  return 0;
}

function table(head: string[], unsafeRows: string[][]): void {
  const rows = unsafeRows.map((row) => row.map(shown));
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const row of [head, ...rows]) console.log(row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '));
}

const command: CliCommand = {
  name: 'printers',
  summary: 'list, add and remove printers (live on a running host, else in config.yaml)',
  usage: USAGE,
  options: {
    ...BASEDIR_OPTIONS,
    json: { type: 'boolean' },
    id: { type: 'string' },
    name: { type: 'string' },
    port: { type: 'string' },
    baudrate: { type: 'string' },
    autoconnect: { type: 'boolean' },
    profile: { type: 'string' },
    listen: { type: 'string' },
    entry: { type: 'string' },
  },
  positionals: true,
  run,
};
export default command;
