/**
 * `GET /api/plugins`: the plugins the host discovered, with their state (loaded, disabled, failed);
 * `GET`/`PUT /api/plugins/<id>/settings`: a running plugin's settings (`plugins.<id>`), read with
 * SETTINGS_READ (its sensitive ones only with SETTINGS) and changed with SETTINGS, validated by its schema.
 */
import { ContainerModule, inject, injectable, optional } from 'inversify';
import { HttpError } from '../http/http-error.js';
import { hasPermissions, principalOf } from '../http/principal.js';
import { readJsonObject } from '../http/request-body.js';
import { RouteContribution, type RouteContext, type Routes } from '../http/routes.js';
import { ConfigError } from '../settings/settings-service.js';
import type { PluginSettingsSchema } from './plugin-info.js';
import { PluginHost } from './plugin-host.js';

@injectable()
export class PluginsRoutes implements RouteContribution {
  readonly owner = 'rest-plugins';

  constructor(
    // bound by the host (core/host.ts) to its PluginHost instance
    @inject(PluginHost) @optional() private readonly plugins?: PluginHost,
  ) {}

  registerRoutes(routes: Routes): void {
    routes.get('/api/plugins', 'STATUS', (ctx) => {
      ctx.body = {
        plugins: (this.plugins?.list() ?? []).map((p) => ({
          key: p.id,
          name: p.name,
          version: p.version,
          description: p.description,
          origin: p.origin,
          enabled: p.state === 'loaded',
          state: p.state,
          ...(p.error ? { error: p.error } : {}),
        })),
      };
    });
    routes.get('/api/plugins/:id/settings', 'SETTINGS_READ', (ctx) => {
      const { schema, settings } = this.running(ctx);
      ctx.body = hasPermissions(principalOf(ctx), ['SETTINGS']) ? settings.get() : withoutSensitive(schema, settings.get());
    });
    routes.put('/api/plugins/:id/settings', 'SETTINGS', async (ctx) => {
      const { settings } = this.running(ctx);
      try {
        await settings.save(await readJsonObject(ctx));
      } catch (err) {
        if (err instanceof ConfigError) throw new HttpError(400, err.message);
        throw err;
      }
      ctx.body = settings.get();
    });
  }

  private running(ctx: RouteContext): NonNullable<ReturnType<PluginHost['settingsOf']>> {
    const found = this.plugins?.settingsOf(ctx.params['id']!);
    if (!found) throw new HttpError(404, `no running plugin "${ctx.params['id']!.slice(0, 64)}"`);
    return found;
  }
}

/** The values without those the schema marks `sensitive` (in groups too). */
function withoutSensitive(schema: PluginSettingsSchema, values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    const entry = schema[key];
    const setting = entry !== null && typeof entry === 'object' && !Array.isArray(entry) ? (entry as PluginSettingsSchema) : undefined;
    if (setting && 'default' in setting) {
      if (setting['sensitive'] !== true) out[key] = value;
    } else if (setting && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      out[key] = withoutSensitive(setting, value as Record<string, unknown>);
    } else out[key] = value;
  }
  return out;
}

/** Binds the plugins route (the PluginHost itself is bound by core/host.ts). */
export const pluginRoutesModule = new ContainerModule(({ bind }) => {
  bind(PluginsRoutes).toSelf().inSingletonScope();
  bind(RouteContribution).toService(PluginsRoutes);
});
