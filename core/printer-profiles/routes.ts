/** `/api/printerprofiles`: list, get, create, update and delete the profiles in `<basedir>/printerProfiles/`. */
import path from 'node:path';
import type Koa from 'koa';
import { inject, injectable } from 'inversify';
import { HttpError } from '../http/http-error.js';
import { readJsonObject } from '../http/request-body.js';
import { type RouteContribution, type Routes, anyOf } from '../http/routes.js';
import { baseUrlOf } from '../http/base-url.js';
import { SettingsService } from '../settings/settings-service.js';
import { PrinterProfileStore, ProfileError, type PrinterProfile } from './profile-store.js';

function shown(ctx: Koa.Context, profile: PrinterProfile, defaultId: string): Record<string, unknown> {
  return { ...profile, default: profile.id === defaultId, current: profile.id === defaultId, resource: `${baseUrlOf(ctx)}/api/printerprofiles/${profile.id}` };
}

function answer(run: () => void): void {
  try {
    run();
  } catch (err) {
    if (err instanceof ProfileError) throw new HttpError(err.status, err.message);
    throw err;
  }
}

@injectable()
export class PrinterProfileRoutes implements RouteContribution {
  readonly owner = 'printer-profiles';
  private readonly store: PrinterProfileStore;

  constructor(@inject(SettingsService) settings: SettingsService) {
    this.store = new PrinterProfileStore(path.join(settings.basedir, 'printerProfiles'));
  }

  registerRoutes(routes: Routes): void {
    const store = this.store;
    routes.get('/api/printerprofiles', anyOf('CONNECTION', 'SETTINGS_READ'), (ctx) => {
      const defaultId = store.defaultId();
      ctx.body = { profiles: Object.fromEntries(store.list().map((p) => [p.id, shown(ctx, p, defaultId)])) };
    });
    routes.get('/api/printerprofiles/:id', anyOf('CONNECTION', 'SETTINGS_READ'), (ctx) => {
      const profile = store.get(ctx.params['id']!);
      if (!profile) throw new HttpError(404, 'No such profile');
      ctx.body = shown(ctx, profile, store.defaultId());
    });
    routes.post('/api/printerprofiles', 'SETTINGS', async (ctx) => {
      const body = await readJsonObject(ctx);
      answer(() => {
        const profile = store.create(body['profile'], typeof body['basedOn'] === 'string' ? body['basedOn'] : undefined);
        ctx.body = { profile: shown(ctx, profile, store.defaultId()) };
      });
    });
    routes.patch('/api/printerprofiles/:id', 'SETTINGS', async (ctx) => {
      const body = await readJsonObject(ctx);
      answer(() => {
        const profile = store.update(ctx.params['id']!, body['profile']);
        ctx.body = { profile: shown(ctx, profile, store.defaultId()) };
      });
    });
    routes.delete('/api/printerprofiles/:id', 'SETTINGS', (ctx) => {
      answer(() => store.remove(ctx.params['id']!));
      ctx.status = 204;
    });
  }
}
