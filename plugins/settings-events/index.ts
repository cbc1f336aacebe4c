/**
 * Settings category: fires `SettingsUpdated` whenever the settings service has saved config.yaml.
 * Core-owned: it fires catalogue events through the host's EventBus and reads the SettingsService,
 * neither of which is public; the rest comes from 'cuttle'.
 */
import { inject, Plugin, PluginContext } from 'cuttle';
import { EventBus } from '../../core/events/event-bus.js';
import { SettingsService } from '../../core/settings/settings-service.js';

@Plugin({
  id: 'settings-events',
  name: 'Settings events',
  version: '1.0.0',
  description: 'Fires SettingsUpdated when the configuration is saved.',
})
export class SettingsEventsPlugin {
  constructor(
    @inject(PluginContext) ctx: PluginContext,
    @inject(SettingsService) settings: SettingsService,
    @inject(EventBus) bus: EventBus,
  ) {
    ctx.subscriptions.add(settings.onDidSave(() => bus.fire('SettingsUpdated', {})));
  }
}
