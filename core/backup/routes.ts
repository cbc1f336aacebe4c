/**
 * `/api/backup`, like OctoPrint's backup plugin: `GET` lists the backups, `POST` (`{"exclude":
 * ["uploads", "timelapses"]}`, both optional) writes one and answers it (201), `GET /api/backup/<name>`
 * downloads it, `DELETE /api/backup/<name>` deletes it. Admins only, reads included (each route
 * declares ADMIN): an archive holds every key and password hash.
 */
import { createReadStream } from 'node:fs';
import { inject, injectable } from 'inversify';
import type Koa from 'koa';
import { HttpError } from '../http/http-error.js';
import { readJsonObject } from '../http/request-body.js';
import { RouteContribution, type Routes } from '../http/routes.js';
import { BackupService, type BackupInfo } from './api.js';
import { parseParts } from './names.js';

@injectable()
export class BackupRoutes implements RouteContribution {
  readonly owner = 'backup';

  constructor(@inject(BackupService) private readonly backups: BackupService) {}

  registerRoutes(routes: Routes): void {
    // a backup holds every key and password hash: listing and downloading them is for admins too
    routes.get('/api/backup', 'ADMIN', async (ctx) => {
      ctx.body = { backups: (await this.backups.list()).map((b) => this.json(ctx, b)) };
    });
    routes.post('/api/backup', 'ADMIN', async (ctx) => {
      const body = await readJsonObject(ctx);
      const exclude = body['exclude'] ?? [];
      if (!Array.isArray(exclude) || !exclude.every((e): e is string => typeof e === 'string')) throw new HttpError(400, '"exclude" must be a list of names (uploads, timelapses)');
      const created = await this.backups.create(parseParts(exclude));
      ctx.status = 201;
      ctx.set('Location', this.url(ctx, created.name));
      ctx.body = { ...this.json(ctx, created), skipped: created.skipped, notes: created.notes };
    });
    routes.get('/api/backup/:name', 'ADMIN', async (ctx) => {
      const file = await this.backups.archive(ctx.params.name!);
      ctx.type = 'application/gzip';
      ctx.attachment(ctx.params.name!);
      ctx.body = createReadStream(file);
    });
    routes.delete('/api/backup/:name', 'ADMIN', async (ctx) => {
      await this.backups.remove(ctx.params.name!);
      ctx.status = 204;
    });
  }

  private url(ctx: Koa.Context, name: string): string {
    return `${(ctx.state as { basePath?: string }).basePath ?? ''}/api/backup/${encodeURIComponent(name)}`;
  }

  private json(ctx: Koa.Context, backup: BackupInfo): Record<string, unknown> {
    return { name: backup.name, bytes: backup.bytes, date: backup.date, url: this.url(ctx, backup.name) };
  }
}
