/**
 * The timelapse REST API, shaped like OctoPrint's: `GET /api/timelapse` (config, movies, unrendered
 * sets), `POST /api/timelapse` (type, interval, fps, postRoll, save), `GET`/`DELETE /api/timelapse/{name}`
 * (download, delete a movie), `POST /api/timelapse/unrendered/{name}` with `{command: "render"}` and
 * `DELETE /api/timelapse/unrendered/{name}`. Refusals carry their status (TimelapseRequestError).
 * Each request acts on its printer's timelapse (`/printer/<id>/api/timelapse` is printer `<id>`'s).
 */
import { createReadStream } from 'node:fs';
import { injectable } from 'inversify';
import type Koa from 'koa';
import { HttpError } from '../http/http-error.js';
import { RouteContribution, type Routes } from '../http/routes.js';
import { readJsonObject } from '../http/request-body.js';
import { requestScope } from '../printer/request-printer.js';
import type { TimelapseConfig, TimelapseService } from './timelapse-service.js';

declare module '../printer/printer-list.js' {
  interface ScopedPrinter {
    /** the printer's timelapse (core/printers' scopes hold one each) */
    readonly timelapse: TimelapseService;
  }
}

@injectable()
export class TimelapseRoutes implements RouteContribution {
  readonly owner = 'timelapse-routes';

  registerRoutes(routes: Routes): void {
    routes.get('/api/timelapse', 'TIMELAPSE_LIST', async (ctx) => {
      ctx.body = await overview(ctx);
    });
    routes.post('/api/timelapse', 'TIMELAPSE_ADMIN', async (ctx) => {
      const body = await readJsonObject(ctx);
      await timelapseOf(ctx).configure(configChanges(body), body.save === true || body.save === 'true');
      ctx.body = await overview(ctx);
    });
    routes.get('/api/timelapse/:name', 'TIMELAPSE_DOWNLOAD', download);
    routes.get('/downloads/timelapse/:name', 'TIMELAPSE_DOWNLOAD', download);
    routes.delete('/api/timelapse/:name', 'TIMELAPSE_DELETE', async (ctx) => {
      await timelapseOf(ctx).deleteMovie(ctx.params.name!);
      ctx.status = 204;
    });
    routes.post('/api/timelapse/unrendered/:name', 'TIMELAPSE_MANAGE_UNRENDERED', async (ctx) => {
      const body = await readJsonObject(ctx);
      if (body.command !== 'render') throw new HttpError(400, 'unknown command: only "render" is supported');
      await timelapseOf(ctx).render(ctx.params.name!);
      ctx.status = 204;
    });
    routes.delete('/api/timelapse/unrendered/:name', 'TIMELAPSE_MANAGE_UNRENDERED', async (ctx) => {
      await timelapseOf(ctx).deleteUnrendered(ctx.params.name!);
      ctx.status = 204;
    });
  }
}

/** the request's printer's timelapse */
function timelapseOf(ctx: Koa.Context): TimelapseService {
  return requestScope(ctx).timelapse;
}

async function download(ctx: Koa.Context): Promise<void> {
  const file = await timelapseOf(ctx).moviePath(ctx.params.name!);
  ctx.type = 'video/mp4';
  ctx.attachment(ctx.params.name!);
  ctx.body = createReadStream(file);
}

async function overview(ctx: Koa.Context): Promise<Record<string, unknown>> {
  const timelapse = timelapseOf(ctx);
  const config = timelapse.config();
  const movies = await timelapse.movies();
  const unrendered = await timelapse.unrendered();
  return {
    config,
    enabled: config.type !== 'off',
    files: movies.map((m) => ({
      name: m.name,
      size: humanSize(m.bytes),
      bytes: m.bytes,
      date: humanDate(m.date),
      timestamp: m.date,
      url: `${ctx.state.basePath ?? ''}/downloads/timelapse/${encodeURIComponent(m.name)}`,
    })),
    unrendered: unrendered.map((u) => ({
      name: u.name,
      gcode: u.gcode,
      frames: u.frames,
      size: humanSize(u.bytes),
      bytes: u.bytes,
      date: humanDate(u.date),
      timestamp: u.date,
      recording: u.recording,
      rendering: u.rendering,
      processing: u.recording || u.rendering,
    })),
  };
}

/** OctoPrint's POST fields; numbers may come as strings from form-like clients. */
function configChanges(body: Record<string, unknown>): Partial<TimelapseConfig> {
  const changes: Partial<TimelapseConfig> = {};
  if (body.type !== undefined) changes.type = String(body.type) as TimelapseConfig['type'];
  for (const key of ['interval', 'fps', 'postRoll', 'zchangeDelayMs'] as const) {
    if (body[key] === undefined) continue;
    const value = Number(body[key]);
    if (!Number.isFinite(value)) throw new HttpError(400, `"${key}" must be a number`);
    changes[key] = value;
  }
  return changes;
}

function humanSize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)}${units[unit]}`;
}

function humanDate(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().slice(0, 16).replace('T', ' ');
}
