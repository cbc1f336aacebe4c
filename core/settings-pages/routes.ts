/**
 * `GET /api/settings/pages`: the settings pages (core sections and each plugin's), their fields and
 * values, secrets redacted (SETTINGS_READ); `GET /api/settings/pages/<id>` one of them (a plugin's
 * panel reads its own settings so, through PanelApi.settings). `PUT /api/settings/pages/<id>` with `{"values": {…}}`
 * changes one page and saves it (SETTINGS): a secret sent as '' stays as it is, as null it is cleared;
 * a bad value is a 400 `{error, key}` naming the setting, and nothing changes.
 */
import { inject, injectable, optional } from 'inversify';
import { HttpError } from '../http/http-error.js';
import { readJsonObject } from '../http/request-body.js';
import { type RouteContribution, type Routes } from '../http/routes.js';
import { PluginHost } from '../plugins/plugin-host.js';
import { SettingsService } from '../settings/settings-service.js';
import { SettingsPages } from './pages.js';
import { FieldError } from './schema-form.js';

@injectable()
export class SettingsPagesRoutes implements RouteContribution {
  readonly owner = 'settings-pages';
  private readonly pages: SettingsPages;

  constructor(
    @inject(SettingsService) settings: SettingsService,
    // bound by the host (core/host.ts) to its PluginHost instance
    @inject(PluginHost) @optional() plugins?: PluginHost,
  ) {
    this.pages = new SettingsPages(settings, plugins);
  }

  registerRoutes(routes: Routes): void {
    routes.get('/api/settings/pages', 'SETTINGS_READ', (ctx) => {
      ctx.body = { pages: this.pages.list() };
    });
    routes.get('/api/settings/pages/:id', 'SETTINGS_READ', (ctx) => {
      const page = this.pages.get(ctx.params['id'] ?? '');
      if (!page) throw new HttpError(404, `no settings page "${(ctx.params['id'] ?? '').slice(0, 64)}"`);
      ctx.body = page;
    });
    routes.put('/api/settings/pages/:id', 'SETTINGS', async (ctx) => {
      const { values } = await readJsonObject(ctx);
      try {
        const page = await this.pages.update(ctx.params['id'] ?? '', values);
        if (!page) throw new HttpError(404, `no settings page "${ctx.params['id']}"`);
        ctx.body = page;
      } catch (err) {
        if (!(err instanceof FieldError)) throw err;
        ctx.status = 400;
        ctx.body = { error: err.message, key: err.key };
      }
    });
  }
}
