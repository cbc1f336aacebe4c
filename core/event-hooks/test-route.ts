/**
 * `POST /api/events/test {"event": "PrintDone", "payload": {…}}`: runs the subscriptions for that event
 * (without firing it on the bus, so no other plugin reacts) and answers with what each produced.
 * Behind the API key like every other route, and only for principals that may change settings (it
 * runs the configured system commands).
 */
import { inject, injectable } from 'inversify';
import type { Context } from 'koa';
import { HttpError } from '../http/http-error.js';
import { readJsonObject } from '../http/request-body.js';
import { type RouteContribution, type Routes } from '../http/routes.js';
import { EventHooks } from './api.js';

@injectable()
export class EventTestRoute implements RouteContribution {
  readonly owner = 'event-hooks';

  constructor(@inject(EventHooks) private readonly hooks: EventHooks) {}

  registerRoutes(routes: Routes): void {
    routes.post('/api/events/test', 'SETTINGS', (ctx) => this.testFire(ctx));
  }

  private async testFire(ctx: Context): Promise<void> {
    const { event, payload = {} } = await readJsonObject(ctx);
    if (typeof event !== 'string' || event === '') throw new HttpError(400, '"event" must be an event name');
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) throw new HttpError(400, '"payload" must be a JSON object');
    try {
      ctx.body = await this.hooks.testFire(event, payload);
    } catch (err) {
      throw new HttpError(400, (err as Error).message);
    }
  }
}
