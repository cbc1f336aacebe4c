/**
 * `plugin` messages push clients get when something they show changed elsewhere. Push listens to the
 * services rather than they calling push, so they stay below it.
 *  - `appkeys`: an application-key request waits for a decision (OctoPrint's web UI shows its
 *    confirmation dialog on it, as the web app lists the requests again);
 *  - `core.printers`: a printer's entry changed (a rename): the web app's farm and the printer's page
 *    read the list again. PrinterAdded and PrinterRemoved are events already; a change is not one of
 *    the catalogue's. The name is one no plugin id can take (ids have no dot);
 *  - `backup`: OctoPrint's backup plugin messages (`backup_started`/`_done`/`_error` with the
 *    archive's name, `backup_progress` with it and `progress` from 0 to 1 at each whole percent (as
 *    OctoPrint 2 sends it), `restore_started`/`_failed`/`_done`, and the reason a restore failed as a
 *    `logline`), which its settings page follows a backup and a restore by.
 */
import { inject, injectable } from 'inversify';
import { AuthManager } from '../auth/api.js';
import { BackupService } from '../backup/api.js';
import { DisposableStore } from '../common/disposable.js';
import type { LifecycleContribution } from '../common/lifecycle.js';
import { PrinterRegistry } from '../printers/printer-registry.js';
import { PushService } from './api.js';

/** the `plugin` of the printer-change message, as the web app matches it */
export const PRINTERS_MESSAGE = 'core.printers';
/** OctoPrint's backup plugin's id, under which its UI takes the messages */
const BACKUP_MESSAGE = 'backup';

@injectable()
export class PushAnnouncements implements LifecycleContribution {
  readonly lifecycleName = 'push-announcements';
  private readonly subscriptions = new DisposableStore();

  constructor(
    @inject(AuthManager) private readonly auth: AuthManager,
    @inject(PrinterRegistry) private readonly registry: PrinterRegistry,
    @inject(PushService) private readonly push: PushService,
    @inject(BackupService) private readonly backups: BackupService,
  ) {}

  start(): void {
    this.subscriptions.add(
      this.auth.appKeyRequests.onDidCreate((request) =>
        this.push.sendPluginMessage('appkeys', { type: 'request', app_name: request.app, user_token: request.userToken, user_id: request.user ?? null }),
      ),
    );
    this.subscriptions.add(
      this.backups.onBackup(({ name, state, error }) =>
        this.push.sendPluginMessage(BACKUP_MESSAGE, state === 'failed' ? { type: 'backup_error', name, error: error ?? 'failed' } : { type: `backup_${state}`, name }),
      ),
    );
    this.subscriptions.add(this.backups.onBackupProgress(({ name, progress }) => this.push.sendPluginMessage(BACKUP_MESSAGE, { type: 'backup_progress', name, progress })));
    this.subscriptions.add(
      this.backups.onRestore(({ state, error }) => {
        if (state === 'failed') this.push.sendPluginMessage(BACKUP_MESSAGE, { type: 'logline', line: error ?? 'the archive was refused', stream: 'stderr' });
        this.push.sendPluginMessage(BACKUP_MESSAGE, { type: state === 'pending' ? 'restore_done' : `restore_${state}` });
      }),
    );
    this.subscriptions.add(this.registry.onDidChange((scope) => this.push.sendPluginMessage(PRINTERS_MESSAGE, { type: 'changed', printer: scope.id, name: scope.entry.name })));
  }

  stop(): void {
    this.subscriptions.dispose();
  }
}
