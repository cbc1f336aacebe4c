/**
 * OctoPrint's `slice` file command (`POST /api/files/local/{path}` with `command: "slice"`), which
 * slicing contributes to the files routes (core/files/file-commands.ts): fields `slicer`, `gcode`, `profile`, `profile.*` overrides, `position {x, y}`,
 * `select`, `print` (on the request's printer). Answers 202 with the future G-code's entry; the job's outcome comes as events.
 */
import { inject, injectable } from 'inversify';
import type Koa from 'koa';
import type { StorageOrigin } from '../events/catalogue.js';
import { HttpError } from '../http/http-error.js';
import type { FileCommandContribution } from '../files/file-commands.js';
import { baseUrlOf, downloadUrl, resourceUrl } from '../files/file-json.js';
import { truthy } from '../http/request-fields.js';
import { SlicingService, type SliceRequest } from './slicing-service.js';

@injectable()
export class SliceFileCommand implements FileCommandContribution {
  readonly command = 'slice';

  constructor(@inject(SlicingService) private readonly slicing: SlicingService) {}

  async run(ctx: Koa.Context, origin: StorageOrigin, path: string, body: Record<string, unknown>): Promise<void> {
    // a SlicingRequestError carries its status: the server answers it as { error } with that status
    const { ref } = await this.slicing.slice({ ...sliceRequest(origin, path, body), printer: ctx.state.printer?.printer });
    const base = baseUrlOf(ctx);
    const resource = resourceUrl(base, 'local', ref.gcode);
    ctx.status = 202;
    ctx.set('Location', resource);
    ctx.body = {
      origin: 'local',
      name: ref.gcode.split('/').pop(),
      path: ref.gcode,
      refs: { resource, download: downloadUrl(base, ref.gcode) },
    };
  }
}

/** The request of a slice command's JSON body; a wrong field type is a 400 naming the field. */
export function sliceRequest(origin: StorageOrigin, path: string, body: Record<string, unknown>): SliceRequest {
  const text = (key: string): string | undefined => {
    const value = body[key];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') throw new HttpError(400, `"${key}" must be a string`);
    return value;
  };
  const overrides: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) {
    if (!key.startsWith('profile.')) continue;
    if (value === null || typeof value === 'object') throw new HttpError(400, `"${key}" must be a string or number`);
    overrides[key.slice('profile.'.length)] = String(value);
  }
  return {
    origin,
    path,
    slicer: text('slicer'),
    gcode: text('gcode'),
    profile: text('profile'),
    overrides,
    position: position(body.position),
    select: truthy(body.select),
    print: truthy(body.print),
  };
}

function position(value: unknown): { x: number; y: number } | undefined {
  if (value === undefined || value === null) return undefined;
  const { x, y } = (typeof value === 'object' ? value : {}) as { x?: unknown; y?: unknown };
  if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y)) {
    throw new HttpError(400, '"position" must be {"x": number, "y": number}');
  }
  return { x, y };
}
