/**
 * Seq numbers that are never handed out twice, even after kill -9: before the bus uses a seq, a
 * block of them is reserved in `meta.seq_reserved` with a full sync, and the next process starts
 * after the reservation. A clean stop gives the unused part back, so seq stays dense across
 * ordinary restarts; a crash only skips the rest of one block.
 */
import type { SeqSource } from '../events/bus-impl.js';
import type { HostDatabase } from '../database/database.js';
import type { Logger } from '../logging/logger.js';
import { errorInfo } from '../logging/logger.js';
import { readMeta, writeMeta } from './schema.js';

export const SEQ_BLOCK = 65536;
export const SeqReservationToken = Symbol.for('cuttle.SeqReservation');

export class SeqReservation implements SeqSource {
  readonly first: number;
  private reserved: number;

  constructor(
    private readonly database: HostDatabase,
    private readonly logger: Logger,
    private readonly block = SEQ_BLOCK,
  ) {
    const maxLogged = (database.db.prepare('SELECT max(seq) AS seq FROM events').get() as { seq: number | null }).seq ?? 0;
    this.reserved = Math.max(readMeta(database.db, 'seq_reserved'), maxLogged);
    this.first = this.reserved + 1;
  }

  reserve(next: number): number {
    const upTo = Math.max(next, this.reserved) + this.block - 1;
    try {
      this.database.durable(() => writeMeta(this.database.db, 'seq_reserved', upTo));
    } catch (err) {
      // the bus must not throw from fire(); a seq past this point may be reused after a crash
      this.logger.error({ ...errorInfo(err), next }, 'could not reserve event seq numbers on disk');
    }
    this.reserved = upTo;
    return upTo;
  }

  /** At a clean stop: the next process starts right after `lastUsed` (if nothing reserved more since). */
  release(lastUsed: number): void {
    if (!this.database.db.open || lastUsed < this.first - 1) return;
    this.database.durable(() => {
      if (readMeta(this.database.db, 'seq_reserved') === this.reserved) writeMeta(this.database.db, 'seq_reserved', lastUsed);
    });
    this.reserved = lastUsed;
  }
}
