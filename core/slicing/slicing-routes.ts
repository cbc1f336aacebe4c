/**
 * The slicing REST API, shaped like OctoPrint's: `GET /api/slicing[?configured=true]` lists slicers with their profiles,
 * `GET/PUT/PATCH/DELETE /api/slicing/{slicer}/profiles/{key}` manage profiles. A PUT with a JSON body
 * takes `{displayName, description, default, data}`; any other content type is the slicer's own
 * profile file (a PrusaSlicer .ini), stored as is. The `slice` file command lives with the files API.
 */
import { inject, injectable } from 'inversify';
import type Koa from 'koa';
import { HttpError } from '../http/http-error.js';
import { truthy } from '../http/request-fields.js';
import { RouteContribution, type Routes } from '../http/routes.js';
import { baseUrlOf } from '../http/base-url.js';
import { SettingsService } from '../settings/settings-service.js';
import { slicingSettings } from './settings.js';
import { readJsonObject, readText } from '../http/request-body.js';
import { SlicingService, type SlicingProfileInfo, type SlicingProfileInput } from './slicing-service.js';

@injectable()
export class SlicingRoutes implements RouteContribution {
  readonly owner = 'slicing-routes';

  constructor(
    @inject(SlicingService) private readonly slicing: SlicingService,
    @inject(SettingsService) private readonly settings: SettingsService,
  ) {}

  registerRoutes(routes: Routes): void {
    // SlicingRequestError carries its status: the server answers it as { error } with that status
    routes.get('/api/slicing', 'SLICE', async (ctx) => {
      ctx.body = await this.listSlicers(ctx);
    });
    routes.get('/api/slicing/:slicer/profiles', 'SLICE', async (ctx) => {
      ctx.body = profileMap(ctx, ctx.params.slicer!, await this.slicing.profiles(ctx.params.slicer!));
    });
    routes.get('/api/slicing/:slicer/profiles/:key', 'SLICE', async (ctx) => {
      ctx.body = withResource(ctx, ctx.params.slicer!, await this.slicing.profile(ctx.params.slicer!, ctx.params.key!));
    });
    routes.put('/api/slicing/:slicer/profiles/:key', 'SETTINGS', async (ctx) => {
      const { profile, created } = await this.slicing.putProfile(ctx.params.slicer!, ctx.params.key!, await profileInput(ctx));
      ctx.status = created ? 201 : 200;
      if (created) ctx.set('Location', resource(ctx, ctx.params.slicer!, profile.key));
      ctx.body = withResource(ctx, ctx.params.slicer!, profile);
    });
    routes.patch('/api/slicing/:slicer/profiles/:key', 'SETTINGS', async (ctx) => {
      ctx.body = withResource(ctx, ctx.params.slicer!, await this.slicing.patchProfile(ctx.params.slicer!, ctx.params.key!, await profileInput(ctx)));
    });
    routes.delete('/api/slicing/:slicer/profiles/:key', 'SETTINGS', async (ctx) => {
      await this.slicing.deleteProfile(ctx.params.slicer!, ctx.params.key!);
      ctx.status = 204;
    });
  }

  private async listSlicers(ctx: Koa.Context): Promise<Record<string, unknown>> {
    const result: Record<string, unknown> = {};
    const configuredOnly = truthy(ctx.query.configured);
    const { defaultSlicer } = this.settings.of(slicingSettings).get();
    for (const slicer of this.slicing.slicers()) {
      const reason = await slicer.unavailableReason();
      if (configuredOnly && reason !== null) continue;
      result[slicer.id] = {
        key: slicer.id,
        displayName: slicer.displayName,
        default: slicer.id === defaultSlicer,
        configured: reason === null,
        unavailableReason: reason,
        sameDevice: true,
        extensions: { source: ['stl'], destination: ['gcode'] },
        profiles: profileMap(ctx, slicer.id, await this.slicing.profiles(slicer.id)),
      };
    }
    return result;
  }
}

async function profileInput(ctx: Koa.Context): Promise<SlicingProfileInput> {
  if (!ctx.is('json')) return { text: await readText(ctx) };
  const body = await readJsonObject(ctx);
  const input: SlicingProfileInput = {};
  for (const field of ['displayName', 'description'] as const) {
    if (body[field] === undefined) continue;
    if (typeof body[field] !== 'string') throw new HttpError(400, `"${field}" must be a string`);
    input[field] = body[field];
  }
  if (body.default !== undefined) {
    if (typeof body.default !== 'boolean') throw new HttpError(400, '"default" must be true or false');
    input.default = body.default;
  }
  if (body.data !== undefined) {
    if (!body.data || typeof body.data !== 'object' || Array.isArray(body.data)) throw new HttpError(400, '"data" must be an object');
    input.data = Object.fromEntries(Object.entries(body.data).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)]));
  }
  return input;
}

function resource(ctx: Koa.Context, slicer: string, key: string): string {
  return `${baseUrlOf(ctx)}/api/slicing/${encodeURIComponent(slicer)}/profiles/${encodeURIComponent(key)}`;
}

function withResource<T extends SlicingProfileInfo>(ctx: Koa.Context, slicer: string, profile: T): T & { resource: string } {
  return { ...profile, resource: resource(ctx, slicer, profile.key) };
}

function profileMap(ctx: Koa.Context, slicer: string, profiles: SlicingProfileInfo[]): Record<string, SlicingProfileInfo & { resource: string }> {
  return Object.fromEntries(profiles.map((p) => [p.key, withResource(ctx, slicer, p)]));
}
