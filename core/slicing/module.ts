/** Container bindings for slicer registry and slicing jobs, and the slicing REST routes. */
import { ContainerModule } from 'inversify';
import { LifecycleContribution } from '../common/lifecycle.js';
import { DefaultSlicingService } from './slicing-service-impl.js';
import { SlicingRoutes } from './slicing-routes.js';
import { SlicingService } from './slicing-service.js';

export const slicingModule = new ContainerModule(({ bind }) => {
  bind(DefaultSlicingService).toSelf().inSingletonScope();
  bind(SlicingService).toService(DefaultSlicingService);
  bind(LifecycleContribution).toService(DefaultSlicingService);
  bind(SlicingRoutes).toSelf().inSingletonScope();
  bind(LifecycleContribution).toService(SlicingRoutes);
});
