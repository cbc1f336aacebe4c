/** The registry behind UiPanels (bound in module.ts), and the routes that list panels and serve their modules. */
import { realpathSync, statSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { inject, injectable } from 'inversify';
import { Disposable } from '../common/disposable.js';
import { Emitter } from '../common/event.js';
import { HttpError } from '../http/http-error.js';
import { hasPermissions, principalOf } from '../http/principal.js';
import type { RouteContribution, Routes } from '../http/routes.js';
import { MAX_PANEL_MODULE_BYTES, PANEL_LOCATIONS, PANEL_NAME, type UiPanel, type UiPanelJson, type UiPanels } from './panels.js';

export type PanelModuleCheck = { file: string } | { status: number; reason: string };

/**
 * A panel's module file with symbolic links resolved, or why it cannot be served: it must be a
 * `.js`/`.mjs` regular file of at most 1 MB, inside `root` (so a link cannot lead out of a package).
 */
export function resolvePanelModule(module: string, root?: string): PanelModuleCheck {
  if (!/\.m?js$/.test(module)) return { status: 404, reason: "a panel's module must be a .js or .mjs file" };
  if (root && !path.resolve(module).startsWith(path.resolve(root) + path.sep)) return { status: 404, reason: "the panel's module is outside its plugin's folder" };
  let real: string;
  try {
    real = realpathSync(module);
    if (root && !real.startsWith(realpathSync(root) + path.sep)) return { status: 404, reason: "the panel's module is outside its plugin's folder" };
  } catch {
    return { status: 404, reason: "the panel's module is missing" };
  }
  const stat = statSync(real, { throwIfNoEntry: false });
  if (!stat?.isFile()) return { status: 404, reason: "the panel's module is not a file" };
  if (stat.size > MAX_PANEL_MODULE_BYTES) return { status: 413, reason: "the panel's module is over 1 MB" };
  return { file: real };
}

@injectable()
export class UiPanelRegistry implements UiPanels {
  private readonly panels: UiPanel[] = [];
  private readonly changed = new Emitter<void>();
  readonly onDidChange = this.changed.event;

  register(panel: UiPanel): Disposable {
    if (!PANEL_NAME.test(panel.owner) || !PANEL_NAME.test(panel.id)) throw new Error(`a panel's owner and id must match ${PANEL_NAME}: "${panel.owner}/${panel.id}"`);
    if (!PANEL_LOCATIONS.includes(panel.location)) throw new Error(`a panel's location is one of ${PANEL_LOCATIONS.join(', ')}: "${panel.owner}/${panel.id}" has "${panel.location}"`);
    if (this.find(panel.owner, panel.id)) throw new Error(`the panel "${panel.owner}/${panel.id}" is registered already`);
    const entry = { ...panel };
    this.panels.push(entry);
    this.changed.fire();
    return Disposable.create(() => {
      const index = this.panels.indexOf(entry);
      if (index < 0) return;
      this.panels.splice(index, 1);
      this.changed.fire();
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
      const principal = principalOf(ctx);
      ctx.body = {
        panels: this.panels
          .list()
          .filter((p) => !p.permission || hasPermissions(principal, [p.permission]))
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
      const found = resolvePanelModule(panel.module, panel.root);
      if ('reason' in found) throw new HttpError(found.status, found.reason);
      ctx.type = 'text/javascript; charset=utf-8';
      ctx.set('Cache-Control', 'no-cache');
      ctx.set('X-Content-Type-Options', 'nosniff');
      ctx.body = await fs.readFile(found.file);
    });
  }
}
