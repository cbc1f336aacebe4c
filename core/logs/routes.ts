/**
 * `/api/logs` (admins only, reads included: a log names devices, addresses and users): `GET` lists
 * the files of the logs folder (the log, its rotations, any a plugin writes there) with size and
 * date; `GET /api/logs/<name>` downloads one. A name is a plain file name of that folder, never a path.
 * `GET /api/logs/levels` answers the components' levels; `PUT` (`{"levels": {"history": "debug",
 * "mqtt": null}, "level": "info"}`, both optional; null: back to logging.level) changes them at once
 * and saves them in config.yaml; an unknown component or level is a 400 naming it.
 */
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { inject, injectable } from 'inversify';
import type Koa from 'koa';
import { HttpError } from '../http/http-error.js';
import { readJsonObject } from '../http/request-body.js';
import { RouteContribution, type Routes } from '../http/routes.js';
import { SettingsService } from '../settings/settings-service.js';
import { LogLevelSettings, type LevelsChange } from './log-level-settings.js';

/** A file name of the logs folder: no separators, no leading dot (so no `..`). */
const LOG_NAME = /^[\w-][\w.-]{0,200}$/;

@injectable()
export class LogRoutes implements RouteContribution {
  readonly owner = 'logs';

  constructor(
    @inject(SettingsService) private readonly settings: SettingsService,
    @inject(LogLevelSettings) private readonly levels: LogLevelSettings,
  ) {}

  registerRoutes(routes: Routes): void {
    // before /api/logs/:name, which would take "levels" for a file's name
    routes.get('/api/logs/levels', 'ADMIN', (ctx) => {
      ctx.body = this.levels.describe();
    });
    routes.put('/api/logs/levels', 'ADMIN', async (ctx) => {
      const body = await readJsonObject(ctx);
      const extra = Object.keys(body).find((k) => k !== 'level' && k !== 'levels');
      if (extra !== undefined) throw new HttpError(400, `unknown field "${extra}" (level, levels)`);
      const levels = body['levels'];
      if (levels !== undefined && (levels === null || typeof levels !== 'object' || Array.isArray(levels))) throw new HttpError(400, '"levels" must be an object of components to levels');
      const change = body as LevelsChange;
      const problem = this.levels.problem(change);
      if (problem) throw new HttpError(400, problem);
      await this.levels.change(change);
      ctx.body = this.levels.describe();
    });
    routes.get('/api/logs', 'ADMIN', async (ctx) => {
      const folder = this.settings.folder('logs');
      const files = [];
      for (const name of (await readdir(folder)).filter((n) => LOG_NAME.test(n)).sort()) {
        const info = await stat(path.join(folder, name)).catch(() => undefined);
        if (info?.isFile()) files.push({ name, size: info.size, date: Math.floor(info.mtimeMs / 1000), url: this.url(ctx, name) });
      }
      ctx.body = { files };
    });
    routes.get('/api/logs/:name', 'ADMIN', async (ctx) => {
      const name = ctx.params.name!;
      if (!LOG_NAME.test(name)) throw new HttpError(400, 'a log is named by its file name in the logs folder');
      const file = path.join(this.settings.folder('logs'), name);
      const info = await stat(file).catch(() => undefined);
      if (!info?.isFile()) throw new HttpError(404, `no log file "${name}"`);
      ctx.type = 'text/plain; charset=utf-8';
      ctx.attachment(name);
      ctx.length = info.size;
      ctx.body = createReadStream(file, { end: Math.max(0, info.size - 1) });
    });
  }

  private url(ctx: Koa.Context, name: string): string {
    return `${(ctx.state as { basePath?: string }).basePath ?? ''}/api/logs/${encodeURIComponent(name)}`;
  }
}
