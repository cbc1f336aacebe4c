/** Container bindings for slicer registry and slicing jobs, the slicing REST routes, the files' `slice` command and slicing's settings. */
import { ContainerModule } from 'inversify';
import { LifecycleContribution } from '../common/lifecycle.js';
import { FileCommandContribution } from '../files/file-commands.js';
import { RouteContribution } from '../http/routes.js';
import { ContributionPoint } from '../plugins/contributions.js';
import { SliceFileCommand } from './slice-command.js';
import { slicerContributionPoint } from './slicer-contribution.js';
import { DefaultSlicingService } from './slicing-service-impl.js';
import { SlicingRoutes } from './slicing-routes.js';
import { SlicingService } from './slicing-service.js';
import { SettingsContribution } from '../settings/settings-section.js';
import { slicingSettings } from './settings.js';

export const slicingModule = new ContainerModule(({ bind }) => {
  bind(SettingsContribution).toConstantValue(slicingSettings);
  bind(DefaultSlicingService).toSelf().inSingletonScope();
  bind(SlicingService).toService(DefaultSlicingService);
  bind(LifecycleContribution).toService(DefaultSlicingService);
  bind(ContributionPoint).toDynamicValue((ctx) => slicerContributionPoint(ctx.get<SlicingService>(SlicingService))).inSingletonScope();
  bind(SlicingRoutes).toSelf().inSingletonScope();
  bind(RouteContribution).toService(SlicingRoutes);
  bind(FileCommandContribution).to(SliceFileCommand).inSingletonScope();
});
