/**
 * `GET /api/events?since=SEQ&limit=N&type=NAME&printer=ID`: pages through the durable event log,
 * answering `{ events: [{ seq, type, time, payload }], next }`; `next` is the `since` of the following
 * page, null once the newest event is in this one. With `before=SEQ` instead it pages backwards: the
 * N events just before SEQ (the newest, for a SEQ above the last), oldest first, and `previous`, the
 * `before` of the older page (null at the oldest). Needs the EVENTS permission (route table).
 */
import { inject, injectable } from 'inversify';
import { intParam, stringParam } from '../http/query-params.js';
import { type RouteContribution, type Routes } from '../http/routes.js';
import { EventLog, MAX_PAGE } from './api.js';

@injectable()
export class EventsRoute implements RouteContribution {
  readonly owner = 'rest-events';

  constructor(
    @inject(EventLog) private readonly log: EventLog,
  ) {}

  registerRoutes(routes: Routes): void {
    routes.get('/api/events', 'EVENTS', (ctx) => {
      ctx.type = 'application/json';
      if (ctx.query.before !== undefined) {
        ctx.body = this.log.readEarlierJson({
          before: intParam(ctx.query, 'before', { min: 1, max: Number.MAX_SAFE_INTEGER, fallback: Number.MAX_SAFE_INTEGER }),
          limit: intParam(ctx.query, 'limit', { min: 1, max: MAX_PAGE, fallback: 100 }),
          type: stringParam(ctx.query, 'type'),
          printer: stringParam(ctx.query, 'printer'),
        });
        return;
      }
      ctx.body = this.log.readJson({
        since: intParam(ctx.query, 'since', { min: 0, max: Number.MAX_SAFE_INTEGER, fallback: 0 }),
        limit: intParam(ctx.query, 'limit', { min: 1, max: MAX_PAGE, fallback: 100 }),
        type: stringParam(ctx.query, 'type'),
        printer: stringParam(ctx.query, 'printer'),
      });
    });
  }
}
