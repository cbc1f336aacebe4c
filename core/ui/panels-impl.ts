/** The registry behind UiPanels (bound in module.ts), and the routes that list panels and serve their modules. */
import fs from 'node:fs/promises';
import { inject, injectable } from 'inversify';
import { Disposable } from '../common/disposable.js';
import { HttpError } from '../http/http-error.js';
import type { RouteContribution, Routes } from '../http/routes.js';
import { PANEL_NAME, type UiPanel, type UiPanelJson, type UiPanels } from './panels.js';

const MAX_MODULE_BYTES = 1 << 20;

@injectable()
export class UiPanelRegistry implements UiPanels {
  private readonly panels: UiPanel[] = [];

  register(panel: UiPanel): Disposable {
    if (!PANEL_NAME.test(panel.owner) || !PANEL_NAME.test(panel.id)) throw new Error(`a panel's owner and id must match ${PANEL_NAME}: "${panel.owner}/${panel.id}"`);
    if (this.find(panel.owner, panel.id)) throw new Error(`the panel "${panel.owner}/${panel.id}" is registered already`);
    const entry = { ...panel };
    this.panels.push(entry);
    return Disposable.create(() => {
      const index = this.panels.indexOf(entry);
      if (index >= 0) this.panels.splice(index, 1);
    });
  }

  list(): readonly UiPanel[] {
    return this.panels;
  }

  find(owner: string, id: string): UiPanel | undefined {
    return this.panels.find((p) => p.owner === owner && p.id === id);
  }
}

/** `GET api/ui/panels`: the panels the caller may see (any signed-in user). */
@injectable()
export class UiPanelListRoute implements RouteContribution {
  readonly owner = 'ui-panels';

  constructor(@inject(UiPanelRegistry) private readonly panels: UiPanelRegistry) {}

  registerRoutes(routes: Routes): void {
    routes.get('/api/ui/panels', 'authenticated', (ctx) => {
      const held = ctx.state.principal?.permissions ?? [];
      ctx.body = {
        panels: this.panels
          .list()
          .filter((p) => !p.permission || held.includes(p.permission))
          .map((p): UiPanelJson => ({ owner: p.owner, id: p.id, title: p.title, location: p.location, url: `ui-panels/${p.owner}/${p.id}.js` })),
      };
    });
  }
}

/** `GET ui-panels/<owner>/<id>.js`: a panel's module, public as the app's own scripts are (it holds code, not data). */
@injectable()
export class UiPanelModuleRoute implements RouteContribution {
  readonly owner = 'ui-panel-modules';

  constructor(@inject(UiPanelRegistry) private readonly panels: UiPanelRegistry) {}

  registerRoutes(routes: Routes): void {
    routes.get('/ui-panels/:owner/:file', 'public', async (ctx) => {
      const match = /^(.+)\.js$/.exec(ctx.params['file'] ?? '');
      const panel = match ? this.panels.find(ctx.params['owner'] ?? '', match[1]!) : undefined;
      if (!panel) throw new HttpError(404, 'No such panel');
      const stat = await fs.stat(panel.module).catch(() => null);
      if (!stat?.isFile()) throw new HttpError(404, "The panel's module is missing");
      if (stat.size > MAX_MODULE_BYTES) throw new HttpError(413, "The panel's module is over 1 MB");
      ctx.type = 'text/javascript; charset=utf-8';
      ctx.set('Cache-Control', 'no-cache');
      ctx.set('X-Content-Type-Options', 'nosniff');
      ctx.body = await fs.readFile(panel.module);
    });
  }
}
