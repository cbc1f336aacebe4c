/** `GET /api/plugins`: the plugins the host discovered, with their state (loaded, disabled, failed). */
import { ContainerModule, inject, injectable, optional } from 'inversify';
import { RouteContribution, type Routes } from '../http/routes.js';
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
  }
}

/** Binds the plugins route (the PluginHost itself is bound by core/host.ts). */
export const pluginRoutesModule = new ContainerModule(({ bind }) => {
  bind(PluginsRoutes).toSelf().inSingletonScope();
  bind(RouteContribution).toService(PluginsRoutes);
});
