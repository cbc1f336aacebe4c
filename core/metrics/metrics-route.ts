/**
 * `GET /metrics` in Prometheus' text format. Behind the API key like the REST API (a scraper sends
 * it as `Authorization: Bearer <key>`) unless `metrics.public: true`; off with `metrics.enabled: false`.
 */
import { inject, injectable, optional } from 'inversify';
import type { Disposable } from '../common/disposable.js';
import type { LifecycleContribution } from '../common/lifecycle.js';
import { EventHooks } from '../event-hooks/api.js';
import { EventBus } from '../events/event-bus.js';
import { PrinterRegistry } from '../printers/printer-registry.js';
import { PushService } from '../push/api.js';
import { SettingsService } from '../settings/settings-service.js';
import { HostMetrics } from './host-metrics.js';
import { metricsSettings } from './settings.js';
import { HttpRoutes } from '../http/routes.js';

@injectable()
export class MetricsRoute implements LifecycleContribution {
  readonly lifecycleName = 'metrics';
  private metrics: HostMetrics | undefined;
  private registration: Disposable | undefined;

  constructor(
    @inject(HttpRoutes) private readonly routes: HttpRoutes,
    @inject(SettingsService) private readonly settings: SettingsService,
    @inject(EventBus) private readonly bus: EventBus,
    @inject(PrinterRegistry) @optional() private readonly printers?: PrinterRegistry,
    @inject(PushService) @optional() private readonly push?: PushService,
    @inject(EventHooks) @optional() private readonly hooks?: EventHooks,
  ) {}

  start(): void {
    const config = this.settings.of(metricsSettings).get();
    if (!config.enabled) return;
    const metrics = new HostMetrics({ bus: this.bus, printers: this.printers, push: this.push, hooks: this.hooks });
    this.metrics = metrics;
    this.registration = this.routes.register('metrics', (routes) =>
      routes.get('/metrics', config.public ? 'public' : 'authenticated', async (ctx) => {
        ctx.set('Content-Type', metrics.contentType);
        ctx.body = await metrics.metrics();
      }),
    );
  }

  stop(): void {
    this.registration?.dispose();
    this.metrics?.dispose();
    this.metrics = undefined;
  }
}
