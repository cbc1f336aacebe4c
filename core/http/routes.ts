/**
 * How a core service adds REST routes (a Theia-style contribution point): a class implementing
 * `RouteContribution`, bound to the `RouteContribution` symbol in the service's ContainerModule:
 *
 *   bind(SettingsRoutes).toSelf().inSingletonScope();
 *   bind(RouteContribution).toService(SettingsRoutes);
 *
 * The HTTP server collects every contribution when it starts and mounts each on its own router.
 * Plugins, whose routes come and go at run time, use `HttpRoutes.register` instead.
 */
import type Router from '@koa/router';

export interface RouteContribution {
  /** service name, for logs */
  readonly owner: string;
  /** served without a key (the route resolves the caller itself, or needs none) */
  readonly public?: boolean;
  registerRoutes(router: Router): void;
}
export const RouteContribution = Symbol.for('cuttle.RouteContribution');

/** Resolves the bound contributions when called (at server start, after every module is loaded). */
export type RouteContributionProvider = () => RouteContribution[];
export const RouteContributionProvider = Symbol.for('cuttle.RouteContributionProvider');
