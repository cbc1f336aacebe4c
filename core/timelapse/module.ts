/** Container bindings for timelapse capture and rendering, the test-pattern camera and the timelapse REST routes. */
import { ContainerModule } from 'inversify';
import { LifecycleContribution } from '../common/lifecycle.js';
import { RouteContribution } from '../server/route-contribution.js';
import { TestPatternCamera } from './test-pattern.js';
import { DefaultTimelapseService } from './timelapse-service-impl.js';
import { TimelapseRoutes } from './timelapse-routes.js';
import { TimelapseService } from './timelapse-service.js';

export const timelapseModule = new ContainerModule(({ bind }) => {
  bind(TestPatternCamera).toSelf().inSingletonScope();
  bind(RouteContribution).toService(TestPatternCamera);
  bind(DefaultTimelapseService).toSelf().inSingletonScope();
  bind(TimelapseService).toService(DefaultTimelapseService);
  bind(LifecycleContribution).toService(DefaultTimelapseService);
  bind(TimelapseRoutes).toSelf().inSingletonScope();
  bind(RouteContribution).toService(TimelapseRoutes);
});
