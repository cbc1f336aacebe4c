/**
 * `cuttle serve`: runs the host until SIGINT/SIGTERM, like `octoprint serve`.
 *   --basedir DIR   config, uploads, timelapses, logs (default ~/.cuttle)
 *   --config FILE   config.yaml to use (default <basedir>/config.yaml)
 *   --host H --port P   where the HTTP server listens
 *   --connect PORT  connect the first printer to this port at start ("virtual" for a simulated printer)
 *   --virtual-printers N  a farm of N simulated printers (virtual-1 … virtual-N) for this run, instead
 *                   of config.yaml's printers (refused when the file lists some); the file is written
 *                   only when printers are then added, changed or removed at run time, and then holds
 *                   the farm as it runs, the virtual printers included
 *   --set KEY=VALUE any setting, e.g. --set serial.baudrate=250000 (repeatable; VALUE is read as YAML)
 * Once listening it records its pid and URL in <basedir>/host.json for the other commands (removed at
 * exit); a second `serve` on a basedir that a live host already serves is refused. A restore the
 * previous run checked (POST /api/backup/restore) is moved into place first; asked to restart (after
 * such a restore), it stops as for SIGTERM and exits with 75, which the systemd unit restarts.
 */
import path from 'node:path';
import { PrinterRegistry } from '../../printers/printer-registry.js';
import { MAX_VIRTUAL_PRINTERS, virtualPrinterEntries } from '../../printers/printers-config.js';
import { readConfigFile } from '../../settings/yaml-config.js';
import { pluginsSettings } from '../../plugins/settings.js';
import { ConfigError } from '../../settings/settings-service.js';
import { CuttleHost } from '../../host.js';
import { HttpServer } from '../../http/http-server.js';
import { settingsOptions, SETTINGS_OPTIONS, SETTINGS_USAGE, stringOption, UsageError, type CliCommand, type CommandArgs } from '../command.js';
import { findRunningHost, removeRunningHost, RUNNING_HOST_FILE, writeRunningHost } from '../../common/running-host.js';
import { tellServiceManager, warnIfRoot } from '../../service/run-as-user.js';
import { TransportProvider } from '../../printer/transport/transport-factory.js';
import { applyPendingRestore } from '../../backup/pending-restore.js';
import { HostRestart, RESTART_EXIT_CODE } from '../../common/host-restart.js';

const USAGE = `usage: cuttle serve [--basedir DIR] [--config FILE] [--host H] [--port P] [--connect PORT] [--virtual-printers N] [--set KEY=VALUE …]
  --host H          address to listen on (server.host)
  --port P          port to listen on (server.port; 0 picks a free one)
  --connect PORT    connect this printer port at start ("virtual" for the simulated printer)
  --virtual-printers N
                    run N simulated printers (1 to ${MAX_VIRTUAL_PRINTERS}), virtual-1 … virtual-N, each connected at start,
                    instead of the printers: of config.yaml (which must list none). config.yaml is not written
                    unless printers are added, changed or removed while it runs: then it saves the farm as it runs.
${SETTINGS_USAGE}`;

async function run(args: CommandArgs): Promise<number> {
  const overrides: Record<string, unknown> = {};
  const host = stringOption(args, 'host');
  const port = stringOption(args, 'port');
  if (host) overrides['server.host'] = host;
  if (port !== undefined) {
    if (!/^\d+$/.test(port)) throw new UsageError(`--port expects a number, got "${port}"`);
    overrides['server.port'] = Number(port);
  }
  const options = settingsOptions(args, overrides);
  const basedir = options.basedir;
  const virtual = virtualPrinters(args, options);
  if (typeof virtual === 'string') {
    console.error(`cuttle: ${virtual}`);
    return 1;
  }
  const other = findRunningHost(basedir);
  if (other) {
    console.error(`cuttle: ${basedir} is already served by cuttle pid ${other.pid} at ${other.url} (${RUNNING_HOST_FILE}); stop it first or use another --basedir`);
    return 1;
  }
  let restored: Awaited<ReturnType<typeof applyPendingRestore>>;
  try {
    restored = await applyPendingRestore(basedir);
  } catch (err) {
    console.error(`cuttle: the pending restore in ${basedir} could not be applied: ${(err as Error).message}`);
    return 1;
  }
  let cuttle: CuttleHost;
  try {
    // an older config.yaml is written migrated, except for a --virtual-printers run, which leaves the file alone
    cuttle = CuttleHost.create({ ...options, migrate: !virtual });
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`cuttle: invalid configuration: ${err.message}`);
      return 1;
    }
    throw err;
  }
  warnIfRoot(cuttle.logger);
  if (restored) cuttle.logger.warn({ setAside: restored.setAside }, 'a backup was restored onto this basedir; what it held before is kept aside');
  const migration = cuttle.settings.migration;
  if (migration?.backup) cuttle.logger.warn({ file: cuttle.settings.configFile, from: migration.from, backup: migration.backup }, 'config.yaml migrated to this version; the old file is kept beside it');
  // a plugin's stray promise must not take the host down: log it and carry on
  process.on('unhandledRejection', (reason) => cuttle.logger.error({ err: String((reason as Error)?.stack ?? reason) }, 'unhandled promise rejection'));
  process.on('exit', () => removeRunningHost(basedir));
  // signals are caught from here on: one that arrives while the host starts stops it once it is up
  let early: NodeJS.Signals | undefined;
  let onSignal = (signal: NodeJS.Signals): void => {
    early ??= signal;
  };
  process.on('SIGINT', (signal) => onSignal(signal));
  process.on('SIGTERM', (signal) => onSignal(signal));
  // logrotate moves the file and sends SIGHUP: write to a new one under the configured name
  process.on('SIGHUP', () => cuttle.reopenLog());
  try {
    await cuttle.start();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`cuttle: refusing to start: ${err.message}`);
    return 1;
  }
  const url = cuttle.get<HttpServer>(HttpServer).baseUrl();
  await writeRunningHost(basedir, url);
  await tellServiceManager(cuttle.logger, { ready: true, status: `serving ${basedir} at ${url}` });
  // printers marked `autoconnect` are connected by the registry; --connect is for the first printer
  // with --virtual-printers every printer connects itself (`npm start -- --virtual-printers N` passes --connect virtual)
  const connect = virtual ? undefined : stringOption(args, 'connect');
  const first = cuttle.get<PrinterRegistry>(PrinterRegistry).first();
  if (connect && first) {
    // --connect is a port given by hand: the allow-list applies, as for /api/connection
    const refused = await cuttle.get<TransportProvider>(TransportProvider).check({ port: connect }, 'connect');
    if (refused) cuttle.logger.error({ printer: first.id, port: connect, reason: refused }, 'refusing --connect: the port is not allowed');
    else first.printer.connect({ port: connect }).catch((err: unknown) => cuttle.logger.error({ printer: first.id, port: connect, err: String(err) }, 'could not connect to the printer'));
  }
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals | 'restart', code = 0) => {
      if (stopping) {
        cuttle.logger.warn(`${signal} again: exiting without waiting`);
        process.exit(1);
      }
      stopping = true;
      removeRunningHost(basedir);
      cuttle.logger.info(`${signal}: shutting down`);
      void tellServiceManager(cuttle.logger, { stopping: true, status: `${signal}: shutting down` });
      cuttle.stop().then(
        () => resolve(code),
        (err: unknown) => {
          cuttle.logger.error({ err: String(err) }, 'shutdown failed');
          resolve(1);
        },
      );
    };
    onSignal = stop;
    cuttle.get<HostRestart>(HostRestart).onDidRequest(({ reason }) => {
      cuttle.logger.warn({ reason, exitCode: RESTART_EXIT_CODE }, `restarting (${reason}): exiting with ${RESTART_EXIT_CODE} for the service manager to start cuttle again; started by hand, start it again`);
      stop('restart', RESTART_EXIT_CODE);
    });
    if (early) stop(early);
  });
}

/**
 * `--virtual-printers N` as the `printers` override: true when given, false when not, or the reason
 * it is refused (config.yaml lists printers: the two farms would be mixed up, and the saved list lost).
 */
function virtualPrinters(args: CommandArgs, options: ReturnType<typeof settingsOptions>): boolean | string {
  const count = stringOption(args, 'virtual-printers');
  if (count === undefined) return false;
  if (!/^\d+$/.test(count) || Number(count) < 1 || Number(count) > MAX_VIRTUAL_PRINTERS) {
    throw new UsageError(`--virtual-printers expects a number from 1 to ${MAX_VIRTUAL_PRINTERS}, got "${count}"`);
  }
  if ('printers' in options.overrides) throw new UsageError('--virtual-printers and --set printers=… both say which printers to run: give one');
  const connect = stringOption(args, 'connect');
  if (connect !== undefined && connect !== 'virtual') throw new UsageError(`--connect ${connect} cannot be used with --virtual-printers: each virtual printer connects to its own simulated printer`);
  const file = options.configFile ?? path.join(options.basedir, 'config.yaml');
  let configured: unknown;
  try {
    configured = readConfigFile(file, Object.keys(pluginsSettings.schema)).core['printers'];
  } catch (err) {
    if (err instanceof ConfigError) return `invalid configuration: ${err.message}`;
    throw err;
  }
  if (Array.isArray(configured) && configured.length > 0) {
    return `refusing --virtual-printers ${count}: ${file} lists ${configured.length} printer(s) under printers:; start without the flag to run those, or use another --basedir for a simulated farm`;
  }
  options.overrides['printers'] = virtualPrinterEntries(Number(count));
  return true;
}

const command: CliCommand = {
  name: 'serve',
  summary: 'run the host (HTTP API, push, printer, plugins)',
  usage: USAGE,
  options: {
    ...SETTINGS_OPTIONS,
    host: { type: 'string' },
    port: { type: 'string' },
    connect: { type: 'string' },
    'virtual-printers': { type: 'string' },
  },
  run,
};
export default command;
