/**
 * My plugin: counts the prints each printer finishes, logs them, fires `plugin_my_plugin_Counted`,
 * answers the count at `GET plugin/my-plugin/count/<printer>`, and shows it in a panel on each
 * printer's page of the web app (src/panel/panel.ts). What it declares is in src/info.ts. Start from here; docs/plugin-api.md in cuttle's
 * folder lists everything 'cuttle' offers.
 */
import { HttpRoutes, inject, OnEvent, OnStartup, Plugin, PluginContext, PrinterService, type EventPayload } from 'cuttle';
import { info } from './info.js';

export { info };

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
