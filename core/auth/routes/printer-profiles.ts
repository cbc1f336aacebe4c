/** `/api/printerprofiles`: list, get, create, update and delete the profiles in `<basedir>/printerProfiles/`. */
import type Router from '@koa/router';
import type Koa from 'koa';
import { baseUrlOf } from '../../server/routes/file-json.js';
import { HttpError } from '../../server/http-error.js';
import { ProfileError, type PrinterProfile, type PrinterProfileStore } from '../printer-profiles.js';
import { readJsonObject } from '../../server/routes/request.js';

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

export function installPrinterProfileRoutes(router: Router, store: PrinterProfileStore): void {
  router.get('/api/printerprofiles', (ctx) => {
    const defaultId = store.defaultId();
    ctx.body = { profiles: Object.fromEntries(store.list().map((p) => [p.id, shown(ctx, p, defaultId)])) };
  });
  router.get('/api/printerprofiles/:id', (ctx) => {
    const profile = store.get(ctx.params['id']!);
    if (!profile) throw new HttpError(404, 'No such profile');
    ctx.body = shown(ctx, profile, store.defaultId());
  });
  router.post('/api/printerprofiles', async (ctx) => {
    const body = await readJsonObject(ctx);
    answer(() => {
      const profile = store.create(body['profile'], typeof body['basedOn'] === 'string' ? body['basedOn'] : undefined);
      ctx.body = { profile: shown(ctx, profile, store.defaultId()) };
    });
  });
  router.patch('/api/printerprofiles/:id', async (ctx) => {
    const body = await readJsonObject(ctx);
    answer(() => {
      const profile = store.update(ctx.params['id']!, body['profile']);
      ctx.body = { profile: shown(ctx, profile, store.defaultId()) };
    });
  });
  router.delete('/api/printerprofiles/:id', (ctx) => {
    answer(() => store.remove(ctx.params['id']!));
    ctx.status = 204;
  });
}
