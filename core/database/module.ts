/** Container bindings for the host's embedded database (opened on first use, closed last at stop). */
import { ContainerModule } from 'inversify';
import { LifecycleContribution } from '../common/lifecycle.js';
import { HostDatabase, SqliteHostDatabase } from './database.js';

export const databaseModule = new ContainerModule(({ bind }) => {
  bind(SqliteHostDatabase).toSelf().inSingletonScope();
  bind(HostDatabase).toService(SqliteHostDatabase);
  bind(LifecycleContribution).toService(SqliteHostDatabase);
});
