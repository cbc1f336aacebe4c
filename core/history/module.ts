/** Container bindings for the job history and its REST routes. */
import { ContainerModule } from 'inversify';
import { LifecycleContribution } from '../common/lifecycle.js';
import { JobHistory } from './api.js';
import { HistoryRoutes } from './history-routes.js';
import { SqliteJobHistory } from './sqlite-history.js';
import { RouteContribution } from '../http/routes.js';

export const historyModule = new ContainerModule(({ bind }) => {
  bind(SqliteJobHistory).toSelf().inSingletonScope();
  bind(JobHistory).toService(SqliteJobHistory);
  bind(LifecycleContribution).toService(SqliteJobHistory);
  bind(HistoryRoutes).toSelf().inSingletonScope();
  bind(RouteContribution).toService(HistoryRoutes);
});
