/**
 * `GET /api/system/commands[/<source>]` and `POST /api/system/commands/<source>/<action>` (commands
 * from config, run as argv without a shell, detached), and `GET|POST /api/printer/sd` (card state;
 * init/refresh/release as M21/M20/M22), the parts of OctoPrint's API the REST routes leave out.
 */
import { spawn } from 'node:child_process';
import type Router from '@koa/router';
import type Koa from 'koa';
import { sdCardOf } from '../../files/sd-card.js';
import { isOperational } from '../../printer/octoprint-views.js';
import type { Logger } from '../../logging/logger.js';
import type { PrinterService } from '../../printer/printer-service.js';
import { baseUrlOf } from '../../server/routes/file-json.js';
import { HttpError } from '../../server/http-error.js';
import type { SettingsService } from '../../settings/settings-service.js';
import { readJsonObject } from '../../server/routes/request.js';

interface SystemCommand {
  action: string;
  name: string;
  source: 'core' | 'custom';
  confirm: string | null;
  command: string;
}

function commandsOf(settings: SettingsService): SystemCommand[] {
  const core = settings.get('system.commands');
  const builtIn: SystemCommand[] = [
    { action: 'restart', name: 'Restart cuttle', source: 'core', confirm: 'You are about to restart the cuttle server.', command: core.serverRestart },
    { action: 'reboot', name: 'Reboot system', source: 'core', confirm: 'You are about to reboot the system.', command: core.systemRestart },
    { action: 'shutdown', name: 'Shutdown system', source: 'core', confirm: 'You are about to shut down the system.', command: core.systemShutdown },
  ].filter((c) => c.command) as SystemCommand[];
  const custom = settings.get('system.actions').map((a) => ({ action: a.action, name: a.name || a.action, source: 'custom' as const, confirm: a.confirm ?? null, command: a.command }));
  return [...builtIn, ...custom];
}

function shown(ctx: Koa.Context, c: SystemCommand): Record<string, unknown> {
  return { action: c.action, name: c.name, source: c.source, confirm: c.confirm, resource: `${baseUrlOf(ctx)}/api/system/commands/${c.source}/${c.action}` };
}

export function installSystemRoutes(router: Router, settings: SettingsService, logger: Logger): void {
  router.get('/api/system/commands', (ctx) => {
    const all = commandsOf(settings);
    ctx.body = { core: all.filter((c) => c.source === 'core').map((c) => shown(ctx, c)), custom: all.filter((c) => c.source === 'custom').map((c) => shown(ctx, c)) };
  });
  router.get('/api/system/commands/:source', (ctx) => {
    const source = ctx.params['source'];
    if (source !== 'core' && source !== 'custom') throw new HttpError(404, 'Unknown source');
    ctx.body = commandsOf(settings).filter((c) => c.source === source).map((c) => shown(ctx, c));
  });
  router.post('/api/system/commands/:source/:action', (ctx) => {
    const found = commandsOf(settings).find((c) => c.source === ctx.params['source'] && c.action === ctx.params['action']);
    if (!found) throw new HttpError(404, 'Unknown command');
    const [program, ...args] = found.command.trim().split(/\s+/);
    logger.warn({ action: found.action, source: found.source }, 'running a system command');
    const child = spawn(program!, args, { detached: true, stdio: 'ignore' });
    child.on('error', (err) => logger.error({ action: found.action, err: err.message }, 'system command failed to start'));
    child.unref();
    ctx.status = 204;
  });
}

export function installSdRoutes(router: Router, printer: () => PrinterService | undefined): void {
  const operational = (): PrinterService => {
    const p = printer();
    if (!p || !isOperational(p.snapshot().state.id)) throw new HttpError(409, 'Printer is not operational');
    return p;
  };
  router.get('/api/printer/sd', (ctx) => {
    const p = operational();
    ctx.body = { ready: sdCardOf(p)?.sdReady ?? false };
  });
  router.post('/api/printer/sd', async (ctx) => {
    const body = await readJsonObject(ctx);
    const p = operational();
    const code = ({ init: 'M21', refresh: 'M20', release: 'M22' } as Record<string, string>)[String(body['command'])];
    if (!code) throw new HttpError(400, 'Expected "command": init, refresh or release');
    if (!sdCardOf(p)) throw new HttpError(409, 'The printer has no SD card support');
    p.commands(code);
    ctx.status = 204;
  });
}
