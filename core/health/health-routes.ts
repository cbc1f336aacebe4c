/**
 * `GET /healthz` and `GET /readyz`, public, for systemd, containers and Kubernetes probes.
 * healthz: 200 while the process serves HTTP. readyz: 200 once settings, plugins and the server are
 * up (the host has fired `Startup`), 503 before that and from `Shutdown` on. Without a key the body says
 * ready or not and nothing more (printers' errors hold device paths and names); with a valid key or
 * session it also names the phase and each printer's state. Both answer from memory: cheap enough to
 * be unauthenticated.
 */
import { inject, injectable, optional } from 'inversify';
import { DisposableStore } from '../common/disposable.js';
import type { LifecycleContribution } from '../common/lifecycle.js';
import { EventBus } from '../events/event-bus.js';
import { PrinterRegistry } from '../printers/printer-registry.js';
import { AuthService } from '../http/http-server.js';
import { HttpRoutes, type Routes } from '../http/routes.js';

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
    @inject(AuthService) @optional() private readonly auth?: AuthService,
  ) {
    this.registrations.add(bus.on('Startup', () => this.phase === 'starting' && (this.phase = 'ready'), { owner: 'health' }));
    this.registrations.add(bus.on('Shutdown', () => (this.phase = 'stopping'), { owner: 'health' }));
  }

  get currentPhase(): Phase {
    return this.phase;
  }

  start(): void {
    this.registrations.add(this.routes.register('health', (routes) => this.install(routes)));
  }

  stop(): void {
    this.phase = 'stopping';
    this.registrations.dispose();
  }

  private install(routes: Routes): void {
    routes.get('/healthz', 'public', (ctx) => {
      ctx.set('Cache-Control', 'no-store');
      ctx.body = { status: 'ok' };
    });
    routes.get('/readyz', 'public', (ctx) => {
      ctx.set('Cache-Control', 'no-store');
      ctx.status = this.phase === 'ready' ? 200 : 503;
      const ready = this.phase === 'ready';
      if (!this.auth?.authenticateRequest(ctx.headers, ctx.query)) {
        ctx.body = { ready };
        return;
      }
      ctx.body = {
        ready,
        phase: this.phase,
        printers: Object.fromEntries(
          (this.printers?.list() ?? []).map(({ id, printer: { state } }) => [id, { state: state.id, text: state.text, error: state.error || null }]),
        ),
      };
    });
  }
}
