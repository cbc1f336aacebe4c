/**
 * `POST /api/events/test {"event": "PrintDone", "payload": {…}}`: runs the subscriptions for that event
 * (without firing it on the bus, so no other plugin reacts) and answers with what each produced.
 * Behind the API key like every other route.
 */
import type Router from '@koa/router';
import { inject, injectable, optional } from 'inversify';
import type { Context } from 'koa';
import { DisposableStore } from '../common/disposable.js';
import type { LifecycleContribution } from '../common/lifecycle.js';
import { HttpError } from '../server/http-error.js';
import { HttpRoutes } from '../server/http-server.js';
import { EventHooks } from './api.js';

const BODY_LIMIT = 1024 * 1024;

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
    const body = await readJson(ctx);
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'Expected a JSON object { "event": …, "payload": {…} }');
    const { event, payload = {} } = body as { event?: unknown; payload?: unknown };
    if (typeof event !== 'string' || event === '') throw new HttpError(400, '"event" must be an event name');
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) throw new HttpError(400, '"payload" must be a JSON object');
    try {
      ctx.body = await this.hooks.testFire(event, payload);
    } catch (err) {
      throw new HttpError(400, (err as Error).message);
    }
  }
}

async function readJson(ctx: Context): Promise<unknown> {
  if (!ctx.is('application/json')) throw new HttpError(400, 'Expected Content-Type: application/json');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > BODY_LIMIT) throw new HttpError(413, 'Request body too large');
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'Malformed JSON body');
  }
}
