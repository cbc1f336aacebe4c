/**
 * Event subscriptions over REST, for the web app's editor; SETTINGS only (they run commands):
 * - `GET /api/events/subscriptions`: `events.subscriptions` as configured, each entry with the reason
 *   it was rejected at load if it was, and the hook types there are;
 * - `POST` (an entry) adds one, `PUT …/<index>` replaces one, `DELETE …/<index>` removes one: an entry
 *   is checked as at load (a 400 with the reason) and config.yaml saved;
 * - `POST …/<index>/test` `{"payload": {…}}` runs that one subscription through the dispatcher with
 *   the payload (the event itself is not fired on the bus) and answers what it did.
 */
import { inject, injectable } from 'inversify';
import { HttpError } from '../http/http-error.js';
import { readJsonObject } from '../http/request-body.js';
import { type RouteContext, type RouteContribution, type Routes } from '../http/routes.js';
import { ConfigError, SettingsService } from '../settings/settings-service.js';
import { EventHooks, HookTypeRegistry } from './api.js';
import { eventHooksSettings, type SubscriptionConfig } from './settings.js';

/** One entry of the list, as the editor shows it. */
export interface SubscriptionEntry {
  index: number;
  entry: SubscriptionConfig;
  /** why it was not loaded (unknown event or type, bad option…) */
  problem?: string;
}

export interface SubscriptionListing {
  /** `events.enabled` */
  enabled: boolean;
  /** the hook types registered now (`system`, `gcode`, `webhook`, …) */
  types: string[];
  subscriptions: SubscriptionEntry[];
}

@injectable()
export class SubscriptionRoutes implements RouteContribution {
  readonly owner = 'event-hooks';

  constructor(
    @inject(EventHooks) private readonly hooks: EventHooks,
    @inject(HookTypeRegistry) private readonly types: HookTypeRegistry,
    @inject(SettingsService) private readonly settings: SettingsService,
  ) {}

  registerRoutes(routes: Routes): void {
    routes.get('/api/events/subscriptions', 'SETTINGS', (ctx) => {
      ctx.body = this.listing();
    });
    routes.post('/api/events/subscriptions', 'SETTINGS', async (ctx) => {
      const entry = this.checked(await readJsonObject(ctx));
      await this.save([...this.configured(), entry]);
      ctx.status = 201;
      ctx.body = this.listing();
    });
    routes.put('/api/events/subscriptions/:index', 'SETTINGS', async (ctx) => {
      const index = this.index(ctx);
      const entry = this.checked(await readJsonObject(ctx));
      await this.save(this.configured().map((e, i) => (i === index ? entry : e)));
      ctx.body = this.listing();
    });
    routes.delete('/api/events/subscriptions/:index', 'SETTINGS', async (ctx) => {
      const index = this.index(ctx);
      await this.save(this.configured().filter((_, i) => i !== index));
      ctx.body = this.listing();
    });
    routes.post('/api/events/subscriptions/:index/test', 'SETTINGS', async (ctx) => {
      const index = this.index(ctx);
      const { payload = {} } = await readJsonObject(ctx);
      if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) throw new HttpError(400, '"payload" must be a JSON object');
      const subscription = this.hooks.subscriptions().find((s) => s.index === index);
      if (!subscription) throw new HttpError(400, `events.subscriptions[${index}] is not loaded: ${this.hooks.problems().find((p) => p.index === index)?.reason ?? 'see the log'}`);
      // a subscription for some printers hears only their events: the test event is the first one's
      const test: Record<string, unknown> = { ...(payload as object) };
      if (subscription.printers && test['printer'] === undefined) test['printer'] = subscription.printers[0];
      ctx.body = await this.hooks.testFire(subscription.event, test, index);
    });
  }

  private configured(): SubscriptionConfig[] {
    return this.settings.of(eventHooksSettings).get().subscriptions;
  }

  private listing(): SubscriptionListing {
    const problems = new Map(this.hooks.problems().map((p) => [p.index, p.reason]));
    return {
      enabled: this.settings.of(eventHooksSettings).get().enabled,
      types: this.types.names(),
      subscriptions: this.configured().map((entry, index) => ({ index, entry, ...(problems.has(index) ? { problem: problems.get(index)! } : {}) })),
    };
  }

  /** The body as an entry that would load now; 400 with the reason otherwise. */
  private checked(body: Record<string, unknown>): SubscriptionConfig {
    const problem = this.hooks.check(body);
    if (problem) throw new HttpError(400, problem);
    return body as SubscriptionConfig;
  }

  private index(ctx: RouteContext): number {
    const raw = ctx.params['index'] ?? '';
    const index = /^\d{1,6}$/.test(raw) ? Number(raw) : -1;
    if (index < 0 || index >= this.configured().length) throw new HttpError(404, `no events.subscriptions[${raw.slice(0, 16)}]`);
    return index;
  }

  private async save(list: SubscriptionConfig[]): Promise<void> {
    try {
      this.settings.of(eventHooksSettings).update({ subscriptions: list });
    } catch (err) {
      if (err instanceof ConfigError) throw new HttpError(400, err.problem);
      throw err;
    }
    await this.settings.save();
  }
}
