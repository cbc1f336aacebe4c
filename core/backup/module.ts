/** Container bindings for backups: the host's backup service, its `/api/backup` routes and OctoPrint's `/plugin/backup` ones. */
import { ContainerModule } from 'inversify';
import { LifecycleContribution } from '../common/lifecycle.js';
import { RouteContribution } from '../http/routes.js';
import { BackupService } from './api.js';
import { HostBackups } from './backup-service.js';
import { OctoPrintBackupRoutes } from './octoprint-routes.js';
import { BackupRoutes } from './routes.js';

export const backupModule = new ContainerModule(({ bind }) => {
  bind(HostBackups).toSelf().inSingletonScope();
  bind(BackupService).toService(HostBackups);
  bind(LifecycleContribution).toService(HostBackups);
  bind(BackupRoutes).toSelf().inSingletonScope();
  bind(RouteContribution).toService(BackupRoutes);
  bind(OctoPrintBackupRoutes).toSelf().inSingletonScope();
  bind(RouteContribution).toService(OctoPrintBackupRoutes);
});
