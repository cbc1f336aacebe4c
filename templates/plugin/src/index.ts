/**
 * My plugin: counts the prints each printer finishes, logs them, fires `plugin_my_plugin_Counted`,
 * answers the count at `GET plugin/my-plugin/count/<printer>`, and shows it in a panel on each
 * printer's page of the web app (src/panel/panel.ts). Start from here; docs/plugin-api.md in cuttle's
 * folder lists everything 'cuttle' offers.
 */
import { definePlugin, HttpRoutes, inject, OnEvent, OnStartup, Plugin, PluginContext, PrinterService, type EventPayload } from 'cuttle';

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
  // the web app's panel on each printer's page: the built module, inside this package's folder
  ui: [{ id: 'count', title: 'My plugin', location: 'printer', module: 'dist/panel/panel.js' }],
});

@Plugin(info)
export class MyPlugin {
  /** prints this instance's printer finished since the host started */
  count = 0;

  constructor(
    @inject(PluginContext) private readonly ctx: PluginContext<typeof info>,
    @inject(PrinterService) private readonly printer: PrinterService,
    @inject(HttpRoutes) private readonly routes: HttpRoutes,
  ) {}

  @OnStartup()
  started(): void {
    const id = this.ctx.printer!.id;
    // a route of this printer's instance, for any user who may see the printer's state; removed when the instance stops
    this.ctx.subscriptions.add(
      this.routes.register(`my-plugin-${id}`, (routes) =>
        routes.get(`/plugin/my-plugin/count/${id}`, 'STATUS', (http) => {
          http.body = { count: this.count };
        }),
      ),
    );
  }

  @OnEvent('PrintDone')
  done(payload: EventPayload<'PrintDone'>): void {
    this.count++;
    this.ctx.fire('Counted', { count: this.count, file: payload.path });
    if (this.ctx.settings.get().announce) {
      this.ctx.logger.info({ file: payload.path, total: this.count, state: this.printer.snapshot().state.text }, 'print finished');
    }
  }
}
