/**
 * `GET /api/history?printer=&result=&from=&to=&limit=&offset=` answers `{ jobs, total }` (newest
 * first; from/to bound the start time, ISO-8601 or epoch seconds) and `GET /api/history/totals`
 * answers `{ jobs, printTime, filament, byPrinter }`. STATUS permission (route table).
 */
import { inject, injectable } from 'inversify';
import { intParam, oneOfParam, stringParam, timeParam } from '../http/query-params.js';
import { type RouteContribution, type Routes } from '../http/routes.js';
import { JOB_RESULTS, JobHistory } from './api.js';

@injectable()
export class HistoryRoutes implements RouteContribution {
  readonly owner = 'rest-history';

  constructor(
    @inject(JobHistory) private readonly history: JobHistory,
  ) {}

  registerRoutes(routes: Routes): void {
    routes.get('/api/history', 'STATUS', (ctx) => {
      ctx.body = this.history.list({
        printer: stringParam(ctx.query, 'printer'),
        result: oneOfParam(ctx.query, 'result', JOB_RESULTS),
        from: timeParam(ctx.query, 'from'),
        to: timeParam(ctx.query, 'to'),
        limit: intParam(ctx.query, 'limit', { min: 1, max: 1000, fallback: 100 }),
        offset: intParam(ctx.query, 'offset', { min: 0, max: Number.MAX_SAFE_INTEGER, fallback: 0 }),
      });
    });
    routes.get('/api/history/totals', 'STATUS', (ctx) => {
      ctx.body = this.history.totals({ printer: stringParam(ctx.query, 'printer'), from: timeParam(ctx.query, 'from'), to: timeParam(ctx.query, 'to') });
    });
  }
}
