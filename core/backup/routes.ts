/**
 * `/api/backup`, like OctoPrint's backup plugin: `GET` lists the backups, `POST` (`{"exclude":
 * ["uploads", "timelapses"]}`, both optional) writes one and answers it (201), `GET /api/backup/<name>`
 * downloads it, `DELETE /api/backup/<name>` deletes it. `POST /api/backup/restore` takes an archive
 * uploaded as the multipart `file` part, or a listed backup as `{"path": "<name>"}` (OctoPrint's
 * names for both), checks it and answers 202 once it is pending; the host then restarts to apply it
 * (core/backup/pending-restore.ts); a refused archive is a 400 that says why, and changes nothing.
 * Admins only, reads included (each route declares ADMIN): an archive holds every key and password hash.
 * A restore and a download also need the password entered recently, as OctoPrint asks
 * (core/http/principal.ts requireRecentCredentials); a request with an API key is not asked.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { inject, injectable } from 'inversify';
import type Koa from 'koa';
import { HttpError } from '../http/http-error.js';
import { readJsonObject } from '../http/request-body.js';
import { AuthService } from '../http/http-server.js';
import { requireRecentCredentials } from '../http/principal.js';
import { RouteContribution, type Routes } from '../http/routes.js';
import { parseUpload, type UploadStager } from '../files/multipart.js';
import { BackupService, type BackupInfo, type RestoreSource } from './api.js';
import type { BackupPart } from './format.js';

import { parseParts } from './names.js';

/** the largest archive an upload may bring (busboy cuts the file there; the restore then finds it truncated) */
export const MAX_ARCHIVE_BYTES = 64 * 1024 ** 3;

/** The parts a create request's `{"exclude": [...]}` leaves out (none without it), or a 400 that says why. */
export async function excludedParts(ctx: Koa.Context): Promise<BackupPart[]> {
  const exclude = (await readJsonObject(ctx))['exclude'] ?? [];
  if (!Array.isArray(exclude) || !exclude.every((e): e is string => typeof e === 'string')) throw new HttpError(400, '"exclude" must be a list of names (uploads, timelapses)');
  return parseParts(exclude);
}

@injectable()
export class BackupRoutes implements RouteContribution {
  readonly owner = 'backup';

  /** the check OctoPrint makes before a restore and a download: the password entered within the last minutes */
  readonly recentPassword: Koa.Middleware;

  constructor(
    @inject(BackupService) private readonly backups: BackupService,
    @inject(AuthService) auth: AuthService,
  ) {
    this.recentPassword = requireRecentCredentials(auth);
  }

  registerRoutes(routes: Routes): void {
    // a backup holds every key and password hash: listing and downloading them is for admins too
    routes.get('/api/backup', 'ADMIN', async (ctx) => {
      ctx.body = { backups: (await this.backups.list()).map((b) => this.json(ctx, b)) };
    });
    routes.post('/api/backup', 'ADMIN', async (ctx) => {
      const created = await this.backups.create(await excludedParts(ctx));
      ctx.status = 201;
      ctx.set('Location', this.url(ctx, created.name));
      ctx.body = { ...this.json(ctx, created), skipped: created.skipped, notes: created.notes };
    });
    routes.post('/api/backup/restore', 'ADMIN', this.recentPassword, async (ctx) => {
      // the host restarts once this answer is out: stopping, it would cut the connection
      const answered = new Promise((resolve) => ctx.res.once('close', resolve));
      ctx.status = 202;
      ctx.body = { ...(await this.backups.restore(await this.restoreSource(ctx), answered)), restarting: true };
    });
    routes.get('/api/backup/:name', 'ADMIN', this.recentPassword, (ctx) => this.sendArchive(ctx, ctx.params.name!));
    routes.delete('/api/backup/:name', 'ADMIN', async (ctx) => {
      await this.backups.remove(ctx.params.name!);
      ctx.status = 204;
    });
  }

  /** Answers a listed backup's archive as a download, or a 404. */
  async sendArchive(ctx: Koa.Context, name: string): Promise<void> {
    const file = await this.backups.archive(name);
    ctx.type = 'application/gzip';
    ctx.attachment(name);
    ctx.body = createReadStream(file);
  }

  /** The archive a restore request names: the uploaded `file`, or `path` (or `name`) of a listed backup. */
  async restoreSource(ctx: Koa.Context): Promise<RestoreSource> {
    if (ctx.is('multipart/form-data')) {
      const { file } = await parseUpload(ctx, this.stager, MAX_ARCHIVE_BYTES, () => undefined);
      if (!file) throw new HttpError(400, 'the upload has no "file" part: send the archive as "file", or name a listed backup as {"path": "<name>"}');
      return { upload: file.staged.tmpPath, filename: path.basename(file.filename).slice(0, 200) || 'upload' };
    }
    const body = await readJsonObject(ctx);
    const name = body['path'] ?? body['name'];
    if (typeof name !== 'string' || name === '') throw new HttpError(400, 'name the backup to restore as {"path": "<name>"} (one GET /api/backup lists), or upload an archive as the multipart "file"');
    return { backup: name };
  }

  /** An uploaded archive goes to a temporary file of the backups folder, never into memory. */
  private readonly stager: UploadStager = {
    stageUpload: async (content) => {
      const tmpPath = this.backups.uploadFile();
      try {
        await pipeline(content, createWriteStream(tmpPath, { flags: 'wx', mode: 0o600 }));
      } catch (err) {
        await rm(tmpPath, { force: true });
        throw new HttpError(400, `the upload failed: ${(err as Error).message}`);
      }
      return { tmpPath, size: (await stat(tmpPath)).size };
    },
    discardUpload: (staged) => rm(staged.tmpPath, { force: true }),
  };

  private url(ctx: Koa.Context, name: string): string {
    return `${(ctx.state as { basePath?: string }).basePath ?? ''}/api/backup/${encodeURIComponent(name)}`;
  }

  private json(ctx: Koa.Context, backup: BackupInfo): Record<string, unknown> {
    return { name: backup.name, bytes: backup.bytes, date: backup.date, url: this.url(ctx, backup.name) };
  }
}
