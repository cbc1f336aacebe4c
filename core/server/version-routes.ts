/**
 * `GET /api/version` and `GET /api/server`. The version text begins with "OctoPrint" because
 * PrusaSlicer refuses any other server: "OctoPrint (cuttle <version>)", as other compatible hosts do.
 */
import { injectable } from 'inversify';
import { CUTTLE_VERSION } from '../common/version.js';
import { RouteContribution, type Routes } from '../http/routes.js';

@injectable()
export class VersionRoutes implements RouteContribution {
  readonly owner = 'rest-version';

  registerRoutes(routes: Routes): void {
    routes.get('/api/version', 'authenticated', (ctx) => {
      ctx.body = { api: '0.1', server: CUTTLE_VERSION, text: `OctoPrint (cuttle ${CUTTLE_VERSION})` };
    });
    routes.get('/api/server', 'authenticated', (ctx) => {
      ctx.body = { version: CUTTLE_VERSION, safemode: null };
    });
  }
}
