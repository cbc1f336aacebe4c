/**
 * Container bindings for the durable event log: the seq reservation the bus numbers events from,
 * the log itself (a bus subscriber with a writer thread), the history push replays from, and
 * `GET /api/events`; and its settings.
 */
import { ContainerModule } from 'inversify';
import { LifecycleContribution } from '../common/lifecycle.js';
import { HostDatabase } from '../database/database.js';
import { EventBus } from '../events/event-bus.js';
import { EventSeqSource } from '../events/module.js';
import { Logger } from '../logging/logger.js';
import { EventHistory, EventLog, ReplayHistory } from './api.js';
import { EventsRoute } from './events-route.js';
import { LogBackedHistory } from './replay-history.js';
import { createEventLogSchema } from './schema.js';
import { SeqReservation, SeqReservationToken } from './seq-reservation.js';
import { SqliteEventLog } from './sqlite-event-log.js';
import { RouteContribution } from '../http/routes.js';
import { SettingsContribution } from '../settings/settings-section.js';
import { eventLogSettings } from './settings.js';

export const eventLogModule = new ContainerModule(({ bind }) => {
  bind(SettingsContribution).toConstantValue(eventLogSettings);
  bind(SeqReservationToken)
    .toDynamicValue((ctx) => {
      const database = ctx.get<HostDatabase>(HostDatabase);
      createEventLogSchema(database.db);
      return new SeqReservation(database, ctx.get<Logger>(Logger).child({ service: 'event-log' }));
    })
    .inSingletonScope();
  bind(EventSeqSource).toService(SeqReservationToken);
  bind(SqliteEventLog).toSelf().inSingletonScope();
  bind(EventLog).toService(SqliteEventLog);
  bind(LifecycleContribution).toService(SqliteEventLog);
  bind(EventHistory)
    .toDynamicValue((ctx): EventHistory => {
      const log = ctx.get<EventLog>(EventLog);
      const bus = ctx.get<EventBus>(EventBus);
      return {
        read: (query) => log.read(query),
        get latestSeq() {
          return bus.lastSeq;
        },
      };
    })
    .inSingletonScope();
  bind(ReplayHistory)
    .toDynamicValue((ctx) => new LogBackedHistory(ctx.get<EventBus>(EventBus), ctx.get<EventLog>(EventLog)))
    .inSingletonScope();
  bind(EventsRoute).toSelf().inSingletonScope();
  bind(RouteContribution).toService(EventsRoute);
});
