/**
 * Settings category: fires `SettingsUpdated` whenever the settings service has saved config.yaml.
 * Written with the public plugin API only, as any third-party plugin would be.
 */
import { EventBus, inject, Plugin, PluginContext, SettingsService } from 'cuttle';

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
