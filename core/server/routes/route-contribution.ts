/**
 * Base for the REST areas of core/server/routes: each area is a LifecycleContribution that registers
 * its router through `HttpRoutes` when the host starts and unregisters when it stops.
 */
import type Router from '@koa/router';
import { injectable, unmanaged } from 'inversify';
import type { Disposable } from '../../common/disposable.js';
import type { LifecycleContribution } from '../../common/lifecycle.js';
import type { HttpRoutes } from '../http-server.js';

@injectable()
export abstract class RouteContribution implements LifecycleContribution {
  private registration: Disposable | undefined;

  constructor(
    @unmanaged() readonly lifecycleName: string,
    @unmanaged() private readonly httpRoutes: HttpRoutes,
  ) {}

  start(): void {
    this.registration = this.httpRoutes.register((router) => this.install(router), { owner: this.lifecycleName });
  }

  stop(): void {
    this.registration?.dispose();
    this.registration = undefined;
  }

  protected abstract install(router: Router): void;
}
