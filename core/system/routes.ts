/**
 * `GET /api/system/commands[/<source>]` lists the system commands; `POST
 * /api/system/commands/<source>/<action>` runs one (system-commands.ts) and answers 204 once it
 * exited 0, or 500 saying why not (exit code, timeout, not startable), as OctoPrint does.
 */
import type Koa from 'koa';
import { inject, injectable } from 'inversify';
import { Logger } from '../logging/logger.js';
import { HttpError } from '../http/http-error.js';
import { type RouteContribution, type Routes } from '../http/routes.js';
import { baseUrlOf } from '../http/base-url.js';
import { SettingsService } from '../settings/settings-service.js';
import { runSystemCommand, SystemCommandError, systemCommands, type SystemCommand } from './system-commands.js';

function shown(ctx: Koa.Context, c: SystemCommand): Record<string, unknown> {
  return { action: c.action, name: c.name, source: c.source, confirm: c.confirm, resource: `${baseUrlOf(ctx)}/api/system/commands/${c.source}/${c.action}` };
}

@injectable()
export class SystemRoutes implements RouteContribution {
  readonly owner = 'system';

  constructor(
    @inject(SettingsService) private readonly settings: SettingsService,
    @inject(Logger) private readonly logger: Logger,
  ) {}

  registerRoutes(routes: Routes): void {
    routes.get('/api/system/commands', 'SYSTEM', (ctx) => {
      const all = systemCommands(this.settings);
      ctx.body = { core: all.filter((c) => c.source === 'core').map((c) => shown(ctx, c)), custom: all.filter((c) => c.source === 'custom').map((c) => shown(ctx, c)) };
    });
    routes.get('/api/system/commands/:source', 'SYSTEM', (ctx) => {
      const source = ctx.params['source'];
      if (source !== 'core' && source !== 'custom') throw new HttpError(404, 'Unknown source');
      ctx.body = systemCommands(this.settings)
        .filter((c) => c.source === source)
        .map((c) => shown(ctx, c));
    });
    routes.post('/api/system/commands/:source/:action', 'SYSTEM', async (ctx) => {
      const found = systemCommands(this.settings).find((c) => c.source === ctx.params['source'] && c.action === ctx.params['action']);
      if (!found) throw new HttpError(404, 'Unknown command');
      try {
        await runSystemCommand(found, this.settings, this.logger);
      } catch (err) {
        if (!(err instanceof SystemCommandError)) throw err;
        this.logger.error({ action: found.action, source: found.source, problem: err.message }, 'system command failed');
        // said to the client (the error middleware hides the message of a thrown 5xx)
        ctx.status = 500;
        ctx.body = { error: err.message };
        return;
      }
      ctx.status = 204;
    });
  }
}
