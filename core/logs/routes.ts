/**
 * `/api/logs` (admins only, reads included: a log names devices, addresses and users): `GET` lists
 * the files of the logs folder (the log, its rotations, any a plugin writes there) with size and
 * date; `GET /api/logs/<name>` downloads one. A name is a plain file name of that folder, never a path.
 */
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { inject, injectable } from 'inversify';
import type Koa from 'koa';
import { HttpError } from '../http/http-error.js';
import { RouteContribution, type Routes } from '../http/routes.js';
import { SettingsService } from '../settings/settings-service.js';

/** A file name of the logs folder: no separators, no leading dot (so no `..`). */
const LOG_NAME = /^[\w-][\w.-]{0,200}$/;

@injectable()
export class LogRoutes implements RouteContribution {
  readonly owner = 'logs';

  constructor(@inject(SettingsService) private readonly settings: SettingsService) {}

  registerRoutes(routes: Routes): void {
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
