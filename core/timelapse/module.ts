/**
 * Container bindings for timelapses. `timelapseModule` (root): the `timelapse.*` and `webcam.*`
 * settings, the test-pattern camera and the REST routes, which act on the request's printer, and the one rendering queue all printers share. `timelapseScopeModule` (each printer's child
 * container): capture and rendering for that printer's prints.
 */
import { ContainerModule } from 'inversify';
import { PrinterScopeLifecycle } from '../common/lifecycle.js';
import { RouteContribution } from '../http/routes.js';
import { TimelapseRenderQueue } from './render-queue.js';
import { TestPatternCamera } from './test-pattern.js';
import { DefaultTimelapseService } from './timelapse-service-impl.js';
import { TimelapseRoutes } from './timelapse-routes.js';
import { TimelapseService } from './timelapse-service.js';
import { SettingsContribution } from '../settings/settings-section.js';
import { timelapseSettings, webcamSettings } from './settings.js';

export const timelapseModule = new ContainerModule(({ bind }) => {
  bind(SettingsContribution).toConstantValue(timelapseSettings);
  bind(SettingsContribution).toConstantValue(webcamSettings);
  bind(TestPatternCamera).toSelf().inSingletonScope();
  bind(TimelapseRenderQueue).toSelf().inSingletonScope();
  bind(RouteContribution).toService(TestPatternCamera);
  bind(TimelapseRoutes).toSelf().inSingletonScope();
  bind(RouteContribution).toService(TimelapseRoutes);
});

export const timelapseScopeModule = new ContainerModule(({ bind }) => {
  bind(DefaultTimelapseService).toSelf().inSingletonScope();
  bind(TimelapseService).toService(DefaultTimelapseService);
  bind(PrinterScopeLifecycle).toService(DefaultTimelapseService);
});
