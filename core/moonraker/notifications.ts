/**
 * The notifications that follow the host's own signals, whoever caused them (a Moonraker client, an
 * OctoPrint client, a plugin): `notify_filelist_changed` for the shared local storage (to every
 * client), `notify_history_changed` when one of a printer's jobs starts or ends (to its clients),
 * `notify_webcams_changed` when a printer's cameras change (through Moonraker or PATCH /api/printers).
 */
import { inject, injectable } from 'inversify';
import { DisposableStore } from '../common/disposable.js';
import type { LifecycleContribution } from '../common/lifecycle.js';
import type { FileEntry, StorageEntry } from '../events/catalogue.js';
import { FileManager } from '../files/file-manager.js';
import { JobHistory } from '../history/api.js';
import { PrinterRegistry } from '../printers/printer-registry.js';
import { SettingsService } from '../settings/settings-service.js';
import { historyJob } from './methods/history.js';
import { GCODES_ROOT } from './methods/files.js';
import { webcamList } from './methods/webcams.js';
import { MoonrakerWebsocket } from './websocket.js';

@injectable()
export class MoonrakerNotifications implements LifecycleContribution {
  readonly lifecycleName = 'moonraker-notifications';
  private readonly subscriptions = new DisposableStore();

  constructor(
    @inject(MoonrakerWebsocket) private readonly websocket: MoonrakerWebsocket,
    @inject(FileManager) private readonly files: FileManager,
    @inject(JobHistory) private readonly history: JobHistory,
    @inject(PrinterRegistry) private readonly registry: PrinterRegistry,
    @inject(SettingsService) private readonly settings: SettingsService,
  ) {}

  start(): void {
    const fileChange = (action: string) => (entry: FileEntry | StorageEntry) => {
      if (entry.storage !== 'local') return;
      this.websocket.broadcast(null, 'notify_filelist_changed', [{ action, item: { root: GCODES_ROOT, path: entry.path, modified: Date.now() / 1000, size: 0, permissions: 'rw' } }]);
    };
    this.subscriptions.add(this.files.onFileAdded(fileChange('create_file')));
    this.subscriptions.add(this.files.onFileRemoved(fileChange('delete_file')));
    this.subscriptions.add(this.files.onFolderAdded(fileChange('create_dir')));
    this.subscriptions.add(this.files.onFolderRemoved(fileChange('delete_dir')));
    this.subscriptions.add(
      this.registry.forEach((scope) => {
        const store = new DisposableStore();
        // after the history service has written its row for the same signal
        const jobChanged = (action: 'added' | 'finished') => () =>
          setImmediate(() => {
            const [job] = this.history.list({ printer: scope.id, limit: 1, offset: 0 }).jobs;
            if (job) this.websocket.broadcast(scope.id, 'notify_history_changed', [{ action, job: historyJob(job) }]);
          });
        let webcams = JSON.stringify(scope.entry.webcams ?? []);
        store.add(
          this.registry.onDidChange((changed) => {
            if (changed !== scope || JSON.stringify(scope.entry.webcams ?? []) === webcams) return;
            webcams = JSON.stringify(scope.entry.webcams ?? []);
            this.websocket.broadcast(scope.id, 'notify_webcams_changed', [{ webcams: webcamList(scope, this.settings) }]);
          }),
        );
        store.add(scope.printer.onPrintStarted(jobChanged('added')));
        store.add(scope.printer.onPrintEnded(jobChanged('finished')));
        return store;
      }),
    );
  }

  stop(): void {
    this.subscriptions.dispose();
  }
}
