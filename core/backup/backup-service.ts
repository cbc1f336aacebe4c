/**
 * The host's backups (./api.ts): each made in a worker thread from the plan of the current settings,
 * after the event log has committed what it holds (bounded: a host that fires all the time is not
 * waited for forever; the snapshot then ends a batch earlier). A backup still being written when the
 * host stops is abandoned (its thread stopped) rather than holding up the shutdown; what it and
 * crashed ones left is swept at the next start.
 */
import fs from 'node:fs';
import path from 'node:path';
import { inject, injectable } from 'inversify';
import type { LifecycleContribution } from '../common/lifecycle.js';
import { EventLog } from '../event-log/api.js';
import { Logger } from '../logging/logger.js';
import { CUTTLE_VERSION } from '../common/version.js';
import { SettingsService } from '../settings/settings-service.js';
import type { BackupInfo, BackupService, CreatedBackup } from './api.js';
import { sweepPartials } from './archive-writer.js';
import { writeBackupInWorker, type BackupThread } from './backup-worker.js';
import { BackupError, type BackupPart } from './format.js';
import { isBackupName, newBackupName } from './names.js';
import { backupsFolder, planBackup } from './plan.js';

/** How long a backup waits for the event log to commit the events it holds */
const FLUSH_WAIT_MS = 5000;

@injectable()
export class HostBackups implements BackupService, LifecycleContribution {
  readonly lifecycleName = 'backup';
  private running: Promise<unknown> | undefined;
  private thread: BackupThread | undefined;
  private stopped = false;
  private readonly logger: Logger;

  constructor(
    @inject(SettingsService) private readonly settings: SettingsService,
    @inject(EventLog) private readonly eventLog: EventLog,
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
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.eventLog.flushed(), new Promise<void>((resolve) => (timer = setTimeout(resolve, FLUSH_WAIT_MS)))]);
    clearTimeout(timer);
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
