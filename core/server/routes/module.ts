/** Container bindings for the OctoPrint-compatible REST API: one contribution per area. */
import { ContainerModule } from 'inversify';
import { RouteContribution } from '../route-contribution.js';
import { ConnectionRoutes } from './connection.js';
import { FilesRoutes } from './files.js';
import { JobRoutes } from './job.js';
import { PluginsRoutes } from './plugins.js';
import { PrinterRoutes } from './printer.js';
import { PrintheadRoutes } from './printhead.js';
import { VersionRoutes } from './version.js';

export const restApiModule = new ContainerModule(({ bind }) => {
  bind(VersionRoutes).toSelf().inSingletonScope();
  bind(FilesRoutes).toSelf().inSingletonScope();
  bind(ConnectionRoutes).toSelf().inSingletonScope();
  bind(JobRoutes).toSelf().inSingletonScope();
  bind(PrinterRoutes).toSelf().inSingletonScope();
  bind(PrintheadRoutes).toSelf().inSingletonScope();
  bind(PluginsRoutes).toSelf().inSingletonScope();
  for (const area of [VersionRoutes, FilesRoutes, ConnectionRoutes, JobRoutes, PrinterRoutes, PrintheadRoutes, PluginsRoutes]) {
    bind(RouteContribution).toService(area);
  }
});
