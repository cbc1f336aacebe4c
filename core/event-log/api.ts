/**
 * The durable event log contract: every bus event, kept in the host database with its seq, so
 * `GET /api/events` can page through it and a push client that reconnects after a restart gets what
 * it missed. Retention (age, size) drops the oldest events; `prunedUpTo` says how far.
 */
export interface LoggedEvent {
  seq: number;
  type: string;
  /** ISO-8601 time of firing */
  time: string;
  /** the printer it concerns, null for an event of no printer (files, slicing, settings, server) */
  printer: string | null;
  payload: object;
}

export interface EventQuery {
  /** events with a seq greater than this */
  since: number;
  limit: number;
  type?: string;
  printer?: string;
}

/** A page backwards from a seq: the newest events first in the log's order (`GET /api/events?before=`). */
export interface EarlierQuery {
  /** events with a seq below this (any seq above the newest: the newest events) */
  before: number;
  limit: number;
  type?: string;
  printer?: string;
}

export interface EventPage {
  events: LoggedEvent[];
  /** the `since` for the next page, null when this page reached the newest event */
  next: number | null;
  /** true when events after `since` were dropped by retention */
  gap: boolean;
}

/** What `GET /api/events?before=` answers (readEarlierJson): a page backwards, oldest first. */
export interface EarlierPage {
  events: LoggedEvent[];
  /** the `before` of the older page, null once this one holds the oldest */
  previous: number | null;
}

export interface EventLog {
  /** Reads the log (written rows plus those still waiting for the writer), oldest first. */
  read(query: EventQuery): EventPage;
  /** The same page as `GET /api/events` answers it (`{ events, next, gap? }`), as UTF-8 JSON bytes. */
  readJson(query: EventQuery): Buffer;
  /**
   * The `limit` events just before `query.before`, oldest first, as UTF-8 JSON bytes
   * (`{ events, previous }`; `previous` is the `before` of the page older than this one, null once it
   * holds the oldest): what a view that shows the newest events reads, in one query however long the log.
   */
  readEarlierJson(query: EarlierQuery): Buffer;
  /** the highest seq retention has dropped (0: none) */
  readonly prunedUpTo: number;
  /** Resolves once every event the log has received is committed to disk. */
  flushed(): Promise<void>;
}
export const EventLog = Symbol.for('cuttle.EventLog');

/**
 * What a plugin reads of the durable log: pages of events after a seq, so that it can deliver every
 * event at least once (the MQTT plugin goes on from the last seq its broker acknowledged).
 */
export interface EventHistory {
  /** Events after `query.since`, oldest first, at most `query.limit` (≤ 1000), with the same filters as `GET /api/events`. */
  read(query: EventQuery): EventPage;
  /** the seq of the newest event fired so far (0 before the first) */
  readonly latestSeq: number;
}
export const EventHistory = Symbol.for('cuttle.EventHistory');

/** Most events one `GET /api/events` page or one replay read returns. */
export const MAX_PAGE = 1000;

/** What the push hub replays missed events from: `EventBus.since`, reaching back into the log. */
export const ReplayHistory = Symbol.for('cuttle.ReplayHistory');
