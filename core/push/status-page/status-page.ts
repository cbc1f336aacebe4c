/**
 * The status page at `GET /`: one small HTML document (no framework) served without a key; the page
 * itself asks for the key (or takes `?apikey=`), connects to the push channel with it, and uses it
 * for the REST calls (upload and print). So the HTML is public, the data is not.
 */
import { inject, injectable } from 'inversify';
import type { Disposable } from '../../common/disposable.js';
import type { LifecycleContribution } from '../../common/lifecycle.js';
import { HttpRoutes } from '../../server/http-server.js';
import { STATUS_PAGE_HTML } from './page.js';

@injectable()
export class StatusPage implements LifecycleContribution {
  readonly lifecycleName = 'status-page';
  private route: Disposable | undefined;

  constructor(@inject(HttpRoutes) private readonly routes: HttpRoutes) {}

  start(): void {
    this.route = this.routes.register(
      (router) => {
        router.get('/', (ctx) => {
          ctx.type = 'text/html; charset=utf-8';
          ctx.set('Cache-Control', 'no-cache');
          ctx.set('Content-Security-Policy', "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self' ws: wss:");
          ctx.body = STATUS_PAGE_HTML;
        });
      },
      { owner: 'push', public: true },
    );
  }

  stop(): void {
    this.route?.dispose();
  }
}
