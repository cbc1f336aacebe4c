/**
 * OctoPrint's backup plugin API under `/plugin/backup/`, so that its web UI, scripts and farm managers
 * work unchanged: a thin layer over the backup service and the `/api/backup` handlers (./routes.ts),
 * in OctoPrint's shapes. What differs from `/api/backup`:
 *  - `POST /plugin/backup/backup` answers `{started, name}` (201) before the archive is written; how
 *    it goes comes as push plugin messages `backup` (core/push/announcements.ts);
 *  - the list gives OctoPrint's fields: `size`, `date` in epoch seconds, `uncompressed` (-1: unknown
 *    without reading the archive) and `version` ("?": a cuttle archive carries no OctoPrint version);
 *  - a restore answers `{started: true}` (200) once checked; the host then restarts to apply it.
 * `unknown_plugins` is always empty: a cuttle archive holds no plugin to reinstall.
 * Admins only, as OctoPrint: creating needs PLUGIN_BACKUP_CREATE (admins' by default); a restore and
 * a download also need the password entered recently (OctoPrint's `perform_restore` and its download
 * handler's `permission_and_fresh_credentials_validator`), which an API key is never asked for.
 */
import { statfs } from 'node:fs/promises';
import { inject, injectable } from 'inversify';
import type Koa from 'koa';
import { RouteContribution, type Routes } from '../http/routes.js';
import { SettingsService } from '../settings/settings-service.js';
import { BackupService, type BackupInfo } from './api.js';
import { BackupRoutes, excludedParts, MAX_ARCHIVE_BYTES } from './routes.js';

const BASE = '/plugin/backup';

@injectable()
export class OctoPrintBackupRoutes implements RouteContribution {
  readonly owner = 'backup';

  constructor(
    @inject(BackupService) private readonly backups: BackupService,
    @inject(BackupRoutes) private readonly api: BackupRoutes,
    @inject(SettingsService) private readonly settings: SettingsService,
  ) {}

  registerRoutes(routes: Routes): void {
    // what the plugin's settings page reads when it opens
    routes.get(BASE, 'ADMIN', async (ctx) => {
      const free = await statfs(this.settings.basedir);
      ctx.body = {
        backups: await this.list(ctx),
        backup_in_progress: this.backups.activity === 'backup',
        unknown_plugins: [],
        restore_supported: true,
        max_upload_size: MAX_ARCHIVE_BYTES,
        free_temp_space: free.bavail * free.bsize,
      };
    });
    routes.get(`${BASE}/unknown_plugins`, 'ADMIN', (ctx) => {
      ctx.body = { unknown_plugins: [] };
    });
    routes.delete(`${BASE}/unknown_plugins`, 'ADMIN', (ctx) => {
      ctx.status = 204;
    });
    routes.get(`${BASE}/backup`, 'ADMIN', async (ctx) => {
      ctx.body = { backups: await this.list(ctx) };
    });
    routes.post(`${BASE}/backup`, 'PLUGIN_BACKUP_CREATE', async (ctx) => {
      const { name, done } = this.backups.begin(await excludedParts(ctx));
      // its failure reaches clients as the `backup_error` push message (and the log), as OctoPrint reports it
      done.catch(() => undefined);
      ctx.status = 201;
      ctx.body = { started: true, name };
    });
    routes.delete(`${BASE}/backup/:filename`, 'ADMIN', async (ctx) => {
      await this.backups.remove(ctx.params.filename!);
      ctx.status = 204;
    });
    routes.get(`${BASE}/download/:filename`, 'ADMIN', this.api.recentPassword, (ctx) => this.api.sendArchive(ctx, ctx.params.filename!));
    routes.post(`${BASE}/restore`, 'ADMIN', this.api.recentPassword, async (ctx) => {
      // the host restarts once this answer is out: stopping, it would cut the connection
      const answered = new Promise((resolve) => ctx.res.once('close', resolve));
      const pending = await this.backups.restore(await this.api.restoreSource(ctx), answered);
      ctx.body = { started: true, name: pending.name, restarting: true };
    });
  }

  private async list(ctx: Koa.Context): Promise<Record<string, unknown>[]> {
    return (await this.backups.list()).map((b: BackupInfo) => ({
      name: b.name,
      date: Date.parse(b.date) / 1000,
      size: b.bytes,
      uncompressed: -1,
      version: '?',
      url: `${(ctx.state as { basePath?: string }).basePath ?? ''}${BASE}/download/${encodeURIComponent(b.name)}`,
    }));
  }
}
