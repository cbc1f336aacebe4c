/**
 * Backup category: turns the backup service's signals into the events OctoPrint's backup plugin fires
 * (plugin_backup_backup_created, with its payload) and cuttle's own for deleting and restoring, so
 * that event hooks, MQTT and push clients see a backup made or a restore about to restart the host.
 * Core-owned: it fires catalogue events through the host's EventBus and reads the BackupService,
 * neither of which is public; the rest comes from 'cuttle'.
 */
import { inject, Plugin, PluginContext } from 'cuttle';
import { BackupService } from '../../core/backup/api.js';
import { EventBus } from '../../core/events/event-bus.js';

@Plugin({
  id: 'backup-events',
  name: 'Backup events',
  version: '1.0.0',
  description: 'Fires plugin_backup_backup_created, _backup_deleted and _restore_started/_failed/_done as backups are made, deleted and restored.',
})
export class BackupEventsPlugin {
  constructor(
    @inject(PluginContext) ctx: PluginContext,
    @inject(BackupService) backups: BackupService,
    @inject(EventBus) bus: EventBus,
  ) {
    ctx.subscriptions.add(backups.onDidCreate(({ name, path, excludes }) => bus.fire('plugin_backup_backup_created', { name, path, excludes })));
    ctx.subscriptions.add(backups.onDidRemove(({ name }) => bus.fire('plugin_backup_backup_deleted', { name })));
    ctx.subscriptions.add(
      backups.onRestore(({ name, state, error }) => {
        if (state === 'started') bus.fire('plugin_backup_restore_started', { name });
        else if (state === 'failed') bus.fire('plugin_backup_restore_failed', { name, error: error ?? 'refused' });
        else bus.fire('plugin_backup_restore_done', { name });
      }),
    );
  }
}
