/** Container bindings for event hooks: their settings, the hook-type registry, the dispatcher, the test-fire route and the subscriptions' editor routes. */
import { ContainerModule } from 'inversify';
import { LifecycleContribution } from '../common/lifecycle.js';
import { EventDependents } from '../events/event-dependents.js';
import { ContributionPoint } from '../plugins/contributions.js';
import { RouteContribution } from '../http/routes.js';
import { SettingsService } from '../settings/settings-service.js';
import { EventHooks, HookTypeRegistry } from './api.js';
import { EventHookDispatcher } from './dispatcher.js';
import { subscriptionDemands } from './event-demands.js';
import { hookTypeContributionPoint } from './hook-type-contribution.js';
import { DefaultHookTypeRegistry } from './hook-type-registry.js';
import { SubscriptionRoutes } from './subscription-routes.js';
import { EventTestRoute } from './test-route.js';
import { SettingsContribution } from '../settings/settings-section.js';
import { eventHooksSettings } from './settings.js';

export const eventHooksModule = new ContainerModule(({ bind }) => {
  bind(SettingsContribution).toConstantValue(eventHooksSettings);
  bind(HookTypeRegistry).to(DefaultHookTypeRegistry).inSingletonScope();
  bind(ContributionPoint).toDynamicValue((ctx) => hookTypeContributionPoint(ctx.get<HookTypeRegistry>(HookTypeRegistry))).inSingletonScope();
  bind(EventHookDispatcher).toSelf().inSingletonScope();
  bind(EventHooks).toService(EventHookDispatcher);
  bind(LifecycleContribution).toService(EventHookDispatcher);
  bind(EventDependents).toDynamicValue((ctx) => subscriptionDemands(ctx.get<SettingsService>(SettingsService))).inSingletonScope();
  bind(EventTestRoute).toSelf().inSingletonScope();
  bind(RouteContribution).toService(EventTestRoute);
  bind(SubscriptionRoutes).toSelf().inSingletonScope();
  bind(RouteContribution).toService(SubscriptionRoutes);
});
