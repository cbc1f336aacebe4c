/**
 * My plugin: counts the prints each printer finishes, logs them and fires `plugin_my_plugin_Counted`.
 * Start from here; docs/plugin-api.md in cuttle's folder lists everything 'cuttle' offers.
 */
import { definePlugin, inject, OnEvent, Plugin, PluginContext, PrinterService, type EventPayload } from 'cuttle';

export const info = definePlugin({
  id: 'my-plugin',
  name: 'My plugin',
  version: '0.1.0',
  description: 'Counts the prints each printer finishes.',
  // one instance per printer, with that printer's PrinterService and events
  scope: 'printer',
  // a convict schema, validated at start (a typo under plugins.my-plugin names the key); ctx.settings.get() is typed from it
  settings: { announce: { doc: 'log each finished print', format: Boolean, default: true } },
  // custom events it fires, as plugin_my_plugin_<Name>
  events: ['Counted'],
});

@Plugin(info)
export class MyPlugin {
  /** prints this instance's printer finished since the host started */
  count = 0;

  constructor(
    @inject(PluginContext) private readonly ctx: PluginContext<typeof info>,
    @inject(PrinterService) private readonly printer: PrinterService,
  ) {}

  @OnEvent('PrintDone')
  done(payload: EventPayload<'PrintDone'>): void {
    this.count++;
    this.ctx.fire('Counted', { count: this.count, file: payload.path });
    if (this.ctx.settings.get().announce) {
      this.ctx.logger.info({ file: payload.path, total: this.count, state: this.printer.snapshot().state.text }, 'print finished');
    }
  }
}
