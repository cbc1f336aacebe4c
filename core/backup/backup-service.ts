/**
 * The host's backups (./api.ts): each made in a worker thread from the plan of the current settings,
 * once the event log's writer has committed every event fired before the backup was asked for (it
 * commits in batches; the wait is bounded, so a writer far behind costs the snapshot its last events
 * rather than hanging the backup). A backup still being written when the
 * host stops is abandoned (its thread stopped) rather than holding up the shutdown; what it and
 * crashed ones left is swept at the next start. A restore is extracted and checked in a worker
 * thread too, into a pending restore that the restart this service then asks for applies
 * (./pending-restore.ts): a restarted process is the only one sure to hold nothing from before.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { inject, injectable } from 'inversify';
import type { LifecycleContribution } from '../common/lifecycle.js';
import { HostDatabase } from '../database/database.js';
import { EventBus } from '../events/event-bus.js';
import { Logger } from '../logging/logger.js';
import { CUTTLE_VERSION } from '../common/version.js';
import { SettingsService } from '../settings/settings-service.js';
import { Emitter } from '../common/event.js';
import { HostRestart } from '../common/host-restart.js';
import type { BackupInfo, BackupService, CreatedBackup, PendingRestore, RestoreSource } from './api.js';
import { sweepPartials } from './archive-writer.js';
import { extractBackupInWorker, writeBackupInWorker, type BackupThread } from './backup-worker.js';
import { BackupError, type BackupPart } from './format.js';
import { makePending, PENDING_RESTORE } from './pending-restore.js';
import { isBackupName, newBackupName } from './names.js';
import { backupsFolder, planBackup } from './plan.js';
import { makeDirectorySync } from '../common/make-directory.js';

/** How long a backup waits for the event log to commit the events fired before it, and how often it looks */
const COMMIT_WAIT_MS = 5000;
const COMMIT_POLL_MS = 20;

@injectable()
export class HostBackups implements BackupService, LifecycleContribution {
  readonly lifecycleName = 'backup';
  private running: 'backup' | 'restore' | undefined;
  private thread: BackupThread<unknown> | undefined;
  private stopped = false;
  private readonly logger: Logger;
  private readonly created = new Emitter<{ name: string; path: string; excludes: BackupPart[] }>();
  readonly onDidCreate = this.created.event;
  private readonly removed = new Emitter<{ name: string }>();
  readonly onDidRemove = this.removed.event;
  private readonly restoring = new Emitter<{ name: string; state: 'started' | 'failed' | 'pending'; error?: string }>();
  readonly onRestore = this.restoring.event;
  private readonly backingUp = new Emitter<{ name: string; state: 'started' | 'done' | 'failed'; error?: string }>();
  readonly onBackup = this.backingUp.event;
  private readonly progress = new Emitter<{ name: string; progress: number }>();
  readonly onBackupProgress = this.progress.event;

  constructor(
    @inject(SettingsService) private readonly settings: SettingsService,
    @inject(EventBus) private readonly bus: EventBus,
    @inject(HostDatabase) private readonly database: HostDatabase,
    @inject(Logger) logger: Logger,
    @inject(HostRestart) private readonly restart: HostRestart,
  ) {
    this.logger = logger.child({ service: 'backup' });
  }

  async start(): Promise<void> {
    const swept = await sweepPartials(this.folder);
    if (swept.length) this.logger.info({ files: swept }, 'removed what unfinished backups left');
    // a restore's check that the process did not finish (killed, or the host stopped meanwhile); the pending one stays for the next serve
    const basedir = this.settings.basedir;
    const staging = (await fs.promises.readdir(basedir)).filter((name) => name.startsWith('.cuttle-restore-') && name !== PENDING_RESTORE);
    for (const name of staging) await fs.promises.rm(path.join(basedir, name), { recursive: true, force: true });
    if (staging.length) this.logger.info({ folders: staging }, 'removed what unfinished restore checks left');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (!this.thread) return;
    this.logger.warn('the host is stopping: the backup being written is abandoned');
    await this.thread.cancel();
  }

  private get folder(): string {
    const folder = backupsFolder(this.settings);
    makeDirectorySync(folder, 0o700);
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
    return this.begin(exclude).done;
  }

  begin(exclude: readonly BackupPart[]): { name: string; done: Promise<CreatedBackup> } {
    const name = newBackupName(this.folder);
    return { name, done: this.oneAtATime('backup', () => this.write(name, exclude)) };
  }

  get activity(): 'backup' | 'restore' | undefined {
    return this.running;
  }

  async restore(source: RestoreSource, answered: Promise<unknown> = Promise.resolve()): Promise<PendingRestore> {
    const name = 'backup' in source ? source.backup : source.filename;
    let pending: PendingRestore;
    try {
      const archive = 'backup' in source ? await this.archive(source.backup) : source.upload;
      pending = await this.oneAtATime('restore', () => this.stage(name, archive));
    } finally {
      if ('upload' in source) await fs.promises.rm(source.upload, { force: true });
    }
    void answered.finally(() => this.restart.request(`restoring ${name}`));
    return pending;
  }

  /** A temporary file in the backups folder for an uploaded archive (swept as a partial if the process dies). */
  uploadFile(): string {
    return path.join(this.folder, `.cuttle-backup-upload-${randomUUID()}.tar.gz.${process.pid}.partial`);
  }

  /**
   * Runs a backup or a restore's check, refusing a second one meanwhile (409) and any once the host
   * stops (503); the refusal is thrown at once, so that begin() throws rather than answering a name.
   */
  private oneAtATime<T>(kind: 'backup' | 'restore', job: () => Promise<T>): Promise<T> {
    if (this.stopped) throw new BackupError('the host is stopping', 503);
    if (this.running) throw new BackupError('a backup or restore is under way already; try again when it is done', 409);
    this.running = kind;
    return job().finally(() => {
      this.running = undefined;
    });
  }

  /** Extracts and checks the archive into a pending restore off the main thread, then asks for the restart that applies it. */
  private async stage(name: string, archive: string): Promise<PendingRestore> {
    this.restoring.fire({ name, state: 'started' });
    const basedir = this.settings.basedir;
    const staging = await fs.promises.mkdtemp(path.join(basedir, '.cuttle-restore-'));
    const thread = extractBackupInWorker(archive, staging);
    this.thread = thread;
    let extracted;
    try {
      extracted = await thread.result;
      await makePending(staging, basedir);
    } catch (err) {
      await fs.promises.rm(staging, { recursive: true, force: true });
      this.restoring.fire({ name, state: 'failed', error: (err as Error).message });
      this.logger.warn({ name, err: (err as Error).message }, 'restore refused; nothing was changed');
      throw err;
    } finally {
      this.thread = undefined;
    }
    const pending = { name, created: extracted.header.created, cuttleVersion: extracted.header.cuttleVersion, entries: extracted.entries };
    this.logger.info(pending, 'restore checked and pending: the host restarts to apply it');
    this.restoring.fire({ name, state: 'pending' });
    return pending;
  }

  private async write(name: string, exclude: readonly BackupPart[]): Promise<CreatedBackup> {
    this.backingUp.fire({ name, state: 'started' });
    const output = path.join(this.folder, name);
    const started = Date.now();
    let result;
    try {
      await this.eventsCommitted();
      const thread = writeBackupInWorker(planBackup(this.settings, exclude, CUTTLE_VERSION), output, (progress) => this.progress.fire({ name, progress }));
      this.thread = thread;
      result = await thread.result;
    } catch (err) {
      this.backingUp.fire({ name, state: 'failed', error: (err as Error).message });
      throw err;
    } finally {
      this.thread = undefined;
    }
    this.logger.info({ file: output, bytes: result.bytes, entries: result.entries, ms: Date.now() - started, skipped: result.skipped, notes: result.notes }, 'backup written');
    this.created.fire({ name, path: output, excludes: [...exclude] });
    this.backingUp.fire({ name, state: 'done' });
    return { name, bytes: result.bytes, date: new Date().toISOString(), skipped: result.skipped, notes: result.notes };
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
    this.removed.fire({ name });
  }
}
