/**
 * Job history in the host database, fed by every printer's job signals: a row (with the printer's id) when a job starts
 * (written before anything else happens, so kill -9 cannot lose it), its completion and print time
 * at each whole percent (within a second, several printers' in one transaction), its result when
 * it ends. At start, rows still `printing` belong to a process that died: they become
 * `interrupted`, ended at their last sign of life.
 */
import { inject, injectable, optional } from 'inversify';
import { DisposableStore } from '../common/disposable.js';
import type { LifecycleContribution } from '../common/lifecycle.js';
import { HostDatabase } from '../database/database.js';
import { whereClause } from '../database/where.js';
import { FileManager, type StoredFile } from '../files/file-manager.js';
import { errorInfo, Logger } from '../logging/logger.js';
import type { JobFile, PrintEnd } from '../printer/printer-service.js';
import { PrinterRegistry } from '../printers/printer-registry.js';
import type { HistoryQuery, HistoryTotals, JobHistory, JobRecord, JobResult, Totals } from './api.js';
import { createHistorySchema } from './schema.js';

interface JobRow {
  id: number;
  printer: string;
  name: string;
  path: string;
  origin: 'local' | 'sdcard';
  user: string | null;
  started: number;
  ended: number | null;
  result: JobResult;
  print_time: number | null;
  filament: number | null;
}

/** Most time a job's progress waits to be written (its last sign of life if the host is killed). */
const PROGRESS_WRITE_MS = 1000;

/** The filament a job used, from the estimate: all of it when done, else by completion. */
const FILAMENT_SQL = `CASE WHEN estimated_filament IS NULL THEN NULL WHEN result = 'done' THEN estimated_filament
  WHEN result = 'printing' THEN NULL ELSE estimated_filament * COALESCE(completion, 0) / 100.0 END`;

@injectable()
export class SqliteJobHistory implements JobHistory, LifecycleContribution {
  readonly lifecycleName = 'history';
  private readonly subscriptions = new DisposableStore();
  private readonly logger: Logger;
  /** per printer: the row of the job running now */
  private readonly current = new Map<string, number>();
  /** progress not written yet, by job row: the last of each row within PROGRESS_WRITE_MS goes in one transaction */
  private readonly progressDue = new Map<number, { updated: number; completion: number | null; printTime: number | null }>();
  private progressTimer: NodeJS.Timeout | undefined;
  private writeProgress: (() => void) | undefined;

  constructor(
    @inject(HostDatabase) private readonly database: HostDatabase,
    @inject(Logger) logger: Logger,
    @inject(PrinterRegistry) @optional() private readonly printers?: PrinterRegistry,
    @inject(FileManager) @optional() private readonly files?: FileManager,
  ) {
    this.logger = logger.child({ service: 'history' });
    createHistorySchema(database.db);
  }

  start(): void {
    const interrupted = this.database.db
      .prepare(
        `UPDATE jobs SET result = 'interrupted', ended = updated,
           print_time = COALESCE(print_time, (updated - started) / 1000.0), filament = NULL WHERE result = 'printing'`,
      )
      .run().changes;
    if (interrupted > 0) {
      this.database.db.prepare(`UPDATE jobs SET filament = ${FILAMENT_SQL} WHERE result = 'interrupted' AND filament IS NULL`).run();
      this.logger.warn({ jobs: interrupted }, 'jobs that were running when the host stopped are marked interrupted');
    }
    if (!this.printers) return;
    // prepared once: it runs for the whole percents of every printer's job
    const updateProgress = this.database.db.prepare('UPDATE jobs SET updated = ?, completion = ?, print_time = ? WHERE id = ?');
    this.writeProgress = this.database.db.transaction(() => {
      for (const [row, { updated, completion, printTime }] of this.progressDue) updateProgress.run(updated, completion, printTime, row);
    });
    this.subscriptions.add(
      this.printers.forEach(({ id, printer }) => {
        const each = new DisposableStore();
        each.add(printer.onPrintStarted((file) => this.started(id, file)));
        each.add(
          printer.onProgress(({ progress }) => {
            const row = this.current.get(id);
            if (row === undefined) return;
            // not on the serial path: a write per whole percent of each printer (hundreds a second
            // for a farm) was a commit each, and a disk write that can block the event loop
            this.progressDue.set(row, { updated: Date.now(), completion: progress.completion, printTime: progress.printTime });
            if (!this.progressTimer) {
              this.progressTimer = setTimeout(() => this.flushProgress(), PROGRESS_WRITE_MS);
              this.progressTimer.unref();
            }
          }),
        );
        each.add(printer.onPrintEnded(({ end, time }) => this.ended(id, end, time)));
        return each;
      }),
    );
  }

  stop(): void {
    this.subscriptions.dispose();
    this.flushProgress();
  }

  /** Writes the progress not written yet (before a job's end, which reads its completion). */
  private flushProgress(): void {
    clearTimeout(this.progressTimer);
    this.progressTimer = undefined;
    if (this.progressDue.size === 0) return;
    try {
      if (this.database.db.open) this.writeProgress?.();
    } catch (err) {
      this.logger.warn(errorInfo(err), 'could not write the jobs\' progress to the history');
    } finally {
      this.progressDue.clear();
    }
  }

  list(query: HistoryQuery): { jobs: JobRecord[]; total: number } {
    const { where, params } = filters(query);
    const rows = this.database.db
      .prepare(`SELECT * FROM jobs ${where} ORDER BY started DESC, id DESC LIMIT ? OFFSET ?`)
      .all(...params, query.limit, query.offset) as JobRow[];
    const total = (this.database.db.prepare(`SELECT count(*) AS n FROM jobs ${where}`).get(...params) as { n: number }).n;
    return { jobs: rows.map(toRecord), total };
  }

  get(id: number): JobRecord | null {
    const row = this.database.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
    return row ? toRecord(row) : null;
  }

  delete(which: { id: number } | { printer: string }): JobRecord[] {
    const [column, value] = 'id' in which ? ['id', which.id] : ['printer', which.printer];
    const rows = this.database.db.prepare(`DELETE FROM jobs WHERE ${column} = ? AND result != 'printing' RETURNING *`).all(value) as JobRow[];
    return rows.map(toRecord);
  }

  totals(query: Omit<HistoryQuery, 'limit' | 'offset' | 'result'>): HistoryTotals {
    const { where, params } = filters(query);
    const rows = this.database.db
      .prepare(
        `SELECT printer, count(*) AS jobs, COALESCE(sum(print_time), 0) AS printTime, COALESCE(sum(filament), 0) AS filament,
           COALESCE(max(print_time), 0) AS longestPrint, COALESCE(max((ended - started) / 1000.0), 0) AS longestJob
           FROM jobs ${where} GROUP BY printer ORDER BY printer`,
      )
      .all(...params) as (Totals & { printer: string })[];
    const byPrinter: Record<string, Totals> = {};
    const all: Totals = { jobs: 0, printTime: 0, filament: 0, longestPrint: 0, longestJob: 0 };
    for (const { printer, ...totals } of rows) {
      byPrinter[printer] = totals;
      all.jobs += totals.jobs;
      all.printTime += totals.printTime;
      all.filament += totals.filament;
      all.longestPrint = Math.max(all.longestPrint, totals.longestPrint);
      all.longestJob = Math.max(all.longestJob, totals.longestJob);
    }
    return { ...all, byPrinter };
  }

  private started(printer: string, file: JobFile): void {
    const now = Date.now();
    const id = Number(
      this.database.db
        .prepare(`INSERT INTO jobs (printer, name, path, origin, started, updated, result) VALUES (?, ?, ?, ?, ?, ?, 'printing')`)
        .run(printer, file.name, file.path, file.origin, now, now).lastInsertRowid,
    );
    this.current.set(printer, id);
    void this.addFileDetails(id, file);
  }

  private ended(printer: string, end: PrintEnd, time: number): void {
    const id = this.current.get(printer);
    this.current.delete(printer);
    if (id === undefined) return;
    this.flushProgress();
    const now = Date.now();
    this.database.db.prepare('UPDATE jobs SET ended = ?, updated = ?, result = ?, print_time = ? WHERE id = ?').run(now, now, end, time, id);
    this.database.db.prepare(`UPDATE jobs SET filament = ${FILAMENT_SQL} WHERE id = ?`).run(id);
  }

  /** The uploader and the analysis' filament, read after the row exists (the analysis may take a while). */
  private async addFileDetails(id: number, file: JobFile): Promise<void> {
    // an SD card's entries have neither uploader nor analysis, and reading one lists a card (M20 to a printer)
    if (file.origin !== 'local') return;
    try {
      const stored = await this.files?.get(file.origin, file.path);
      if (!stored || stored.kind !== 'file') return;
      const { user, analysis } = stored as StoredFile;
      const filament = analysis ? Object.values(analysis.filament).reduce((sum, tool) => sum + tool.length, 0) : null;
      if (!this.database.db.open) return;
      this.database.db.prepare('UPDATE jobs SET user = ?, estimated_filament = ? WHERE id = ?').run(user ?? null, filament, id);
      this.database.db.prepare(`UPDATE jobs SET filament = ${FILAMENT_SQL} WHERE id = ?`).run(id);
    } catch (err) {
      this.logger.warn({ ...errorInfo(err), file: file.path }, 'could not read the job file\'s details for the history');
    }
  }
}

function filters(query: Omit<HistoryQuery, 'limit' | 'offset' | 'result'> & { result?: JobResult }): { where: string; params: (string | number)[] } {
  const { sql, params } = whereClause([
    ['printer = ?', query.printer],
    ['result = ?', query.result],
    ['started >= ?', query.from],
    ['started <= ?', query.to],
  ]);
  return { where: sql, params };
}

function toRecord(row: JobRow): JobRecord {
  return {
    id: row.id,
    printer: row.printer,
    file: { name: row.name, path: row.path, origin: row.origin },
    user: row.user,
    started: new Date(row.started).toISOString(),
    ended: row.ended === null ? null : new Date(row.ended).toISOString(),
    result: row.result,
    printTime: row.print_time,
    filament: row.filament,
  };
}
