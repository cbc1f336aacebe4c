/**
 * The host's backups (./api.ts): each made in a worker thread from the plan of the current settings,
 * once the event log's writer has committed every event fired before the backup was asked for (it
 * commits in batches; the wait is bounded, so a writer far behind costs the snapshot its last events
 * rather than hanging the backup). A backup still being written when the
 * host stops is abandoned (its thread stopped) rather than holding up the shutdown; what it and
 * crashed ones left is swept at the next start.
 */
import fs from 'node:fs';
import path from 'node:path';
import { inject, injectable } from 'inversify';
import type { LifecycleContribution } from '../common/lifecycle.js';
import { HostDatabase } from '../database/database.js';
import { EventBus } from '../events/event-bus.js';
import { Logger } from '../logging/logger.js';
import { CUTTLE_VERSION } from '../common/version.js';
import { SettingsService } from '../settings/settings-service.js';
import type { BackupInfo, BackupService, CreatedBackup } from './api.js';
import { sweepPartials } from './archive-writer.js';
import { writeBackupInWorker, type BackupThread } from './backup-worker.js';
import { BackupError, type BackupPart } from './format.js';
import { isBackupName, newBackupName } from './names.js';
import { backupsFolder, planBackup } from './plan.js';

/** How long a backup waits for the event log to commit the events fired before it, and how often it looks */
const COMMIT_WAIT_MS = 5000;
const COMMIT_POLL_MS = 20;

@injectable()
export class HostBackups implements BackupService, LifecycleContribution {
  readonly lifecycleName = 'backup';
  private running: Promise<unknown> | undefined;
  private thread: BackupThread | undefined;
  private stopped = false;
  private readonly logger: Logger;

  constructor(
    @inject(SettingsService) private readonly settings: SettingsService,
    @inject(EventBus) private readonly bus: EventBus,
    @inject(HostDatabase) private readonly database: HostDatabase,
    @inject(Logger) logger: Logger,
  ) {
    this.logger = logger.child({ service: 'backup' });
  }

  async start(): Promise<void> {
    const swept = await sweepPartials(this.folder);
    if (swept.length) this.logger.info({ files: swept }, 'removed what unfinished backups left');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (!this.thread) return;
    this.logger.warn('the host is stopping: the backup being written is abandoned');
    await this.thread.cancel();
  }

  private get folder(): string {
    const folder = backupsFolder(this.settings);
    fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
    return folder;
  }

  async list(): Promise<BackupInfo[]> {
    const folder = this.folder;
    const infos: BackupInfo[] = [];
    for (const name of await fs.promises.readdir(folder)) {
      if (!isBackupName(name)) continue;
      const stat = await fs.promises.stat(path.join(folder, name)).catch(() => undefined);
      if (stat?.isFile()) infos.push({ name, bytes: stat.size, date: stat.mtime.toISOString() });
    }
    return infos.sort((a, b) => (a.name < b.name ? 1 : -1));
  }

  async create(exclude: readonly BackupPart[]): Promise<CreatedBackup> {
    if (this.stopped) throw new BackupError('the host is stopping', 503);
    if (this.running) throw new BackupError('a backup is being written already; try again when it is done', 409);
    const job = this.write(exclude);
    this.running = job;
    try {
      return await job;
    } finally {
      this.running = undefined;
    }
  }

  private async write(exclude: readonly BackupPart[]): Promise<CreatedBackup> {
    await this.eventsCommitted();
    const folder = this.folder;
    const output = path.join(folder, newBackupName(folder));
    const started = Date.now();
    this.thread = writeBackupInWorker(planBackup(this.settings, exclude, CUTTLE_VERSION), output);
    let result;
    try {
      result = await this.thread.result;
    } finally {
      this.thread = undefined;
    }
    this.logger.info({ file: output, bytes: result.bytes, entries: result.entries, ms: Date.now() - started, skipped: result.skipped, notes: result.notes }, 'backup written');
    return { name: path.basename(output), bytes: result.bytes, date: new Date().toISOString(), skipped: result.skipped, notes: result.notes };
  }

  /**
   * Polls the events table (its primary key: one index lookup) until it holds the last seq fired
   * now. Not `EventLog.flushed()`: that waits for the log to hold nothing uncommitted, which a host
   * firing all the time may never reach.
   */
  private async eventsCommitted(): Promise<void> {
    const fired = this.bus.lastSeq;
    const newest = this.database.db.prepare('SELECT max(seq) AS seq FROM events');
    const deadline = Date.now() + COMMIT_WAIT_MS;
    while (((newest.get() as { seq: number | null }).seq ?? 0) < fired && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, COMMIT_POLL_MS));
    }
  }

  async archive(name: string): Promise<string> {
    const file = path.join(this.folder, name);
    if (!isBackupName(name) || !(await fs.promises.stat(file).catch(() => undefined))?.isFile()) throw new BackupError(`there is no backup named "${name}"`, 404);
    return file;
  }

  async remove(name: string): Promise<void> {
    await fs.promises.rm(await this.archive(name));
    this.logger.info({ name }, 'backup deleted');
  }
}
