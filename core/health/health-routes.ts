/**
 * `GET /healthz` and `GET /readyz`, public, for systemd, containers and Kubernetes probes.
 * healthz: 200 while the process serves HTTP. readyz: 200 once settings, plugins and the server are
 * up (the host has fired `Startup`), 503 before that and from `Shutdown` on; the body names the
 * phase and each printer's state. Both answer from memory: cheap enough to be unauthenticated.
 */
import type Router from '@koa/router';
import { inject, injectable, optional } from 'inversify';
import { DisposableStore } from '../common/disposable.js';
import type { LifecycleContribution } from '../common/lifecycle.js';
import { EventBus } from '../events/event-bus.js';
import { PrinterRegistry } from '../printers/printer-registry.js';
import { HttpRoutes } from '../http/http-server.js';

export type Phase = 'starting' | 'ready' | 'stopping';

@injectable()
export class HealthRoutes implements LifecycleContribution {
  readonly lifecycleName = 'health';
  private phase: Phase = 'starting';
  private readonly registrations = new DisposableStore();

  constructor(
    @inject(HttpRoutes) private readonly routes: HttpRoutes,
    @inject(EventBus) bus: EventBus,
    @inject(PrinterRegistry) @optional() private readonly printers?: PrinterRegistry,
  ) {
    this.registrations.add(bus.on('Startup', () => this.phase === 'starting' && (this.phase = 'ready'), { owner: 'health' }));
    this.registrations.add(bus.on('Shutdown', () => (this.phase = 'stopping'), { owner: 'health' }));
  }

  get currentPhase(): Phase {
    return this.phase;
  }

  start(): void {
    this.registrations.add(this.routes.register((router) => this.install(router), { owner: 'health', public: true }));
  }

  stop(): void {
    this.phase = 'stopping';
    this.registrations.dispose();
  }

  private install(router: Router): void {
    router.get('/healthz', (ctx) => {
      ctx.set('Cache-Control', 'no-store');
      ctx.body = { status: 'ok' };
    });
    router.get('/readyz', (ctx) => {
      ctx.set('Cache-Control', 'no-store');
      ctx.status = this.phase === 'ready' ? 200 : 503;
      ctx.body = {
        ready: this.phase === 'ready',
        phase: this.phase,
        printers: Object.fromEntries(
          (this.printers?.list() ?? []).map(({ id, printer: { state } }) => [id, { state: state.id, text: state.text, error: state.error || null }]),
        ),
      };
    });
  }
}
