/**
 * `POST /api/events/test {"event": "PrintDone", "payload": {…}}`: runs the subscriptions for that event
 * (without firing it on the bus, so no other plugin reacts) and answers with what each produced.
 * Behind the API key like every other route, and only for principals that may change settings (it
 * runs the configured system commands).
 */
import type Router from '@koa/router';
import { inject, injectable, optional } from 'inversify';
import type { Context } from 'koa';
import { DisposableStore } from '../common/disposable.js';
import type { LifecycleContribution } from '../common/lifecycle.js';
import { HttpError } from '../server/http-error.js';
import { HttpRoutes } from '../server/http-server.js';
import { readJsonObject } from '../server/request-body.js';
import { EventHooks } from './api.js';

@injectable()
export class EventTestRoute implements LifecycleContribution {
  readonly lifecycleName = 'event-hooks-test-route';
  private readonly registrations = new DisposableStore();

  constructor(
    @inject(EventHooks) private readonly hooks: EventHooks,
    @inject(HttpRoutes) @optional() private readonly routes: HttpRoutes | undefined,
  ) {}

  start(): void {
    if (!this.routes) return;
    this.registrations.add(
      this.routes.register((router: Router) => router.post('/api/events/test', (ctx) => this.testFire(ctx)), { owner: 'event-hooks' }),
    );
  }

  stop(): void {
    this.registrations.dispose();
  }

  private async testFire(ctx: Context): Promise<void> {
    const principal = ctx.state.principal;
    if (principal && !principal.admin && !principal.permissions.includes('SETTINGS')) throw new HttpError(403, 'Missing permission: SETTINGS');
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
