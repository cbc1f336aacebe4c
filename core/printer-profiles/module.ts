/** Container bindings for OctoPrint's printer profiles (`/api/printerprofiles`, files in `<basedir>/printerProfiles/`). */
import { ContainerModule } from 'inversify';
import { RouteContribution } from '../http/routes.js';
import { PrinterProfileRoutes } from './routes.js';

export const printerProfilesModule = new ContainerModule(({ bind }) => {
  bind(PrinterProfileRoutes).toSelf().inSingletonScope();
  bind(RouteContribution).toService(PrinterProfileRoutes);
});
