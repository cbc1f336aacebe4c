/**
 * `GET /api/version` and `GET /api/server`. The version text begins with "OctoPrint" because
 * PrusaSlicer refuses any other server: "OctoPrint (cuttle <version>)", as other compatible hosts do.
 */
import fs from 'node:fs';
import path from 'node:path';
import type Router from '@koa/router';
import { inject, injectable } from 'inversify';
import { RouteContribution } from '../route-contribution.js';

/** cuttle's own version, from its package.json (dist/core/server/routes → package root) */
export const CUTTLE_VERSION: string = (() => {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', '..', '..', 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
})();

@injectable()
export class VersionRoutes implements RouteContribution {
  readonly owner = 'rest-version';

  registerRoutes(router: Router): void {
    router.get('/api/version', (ctx) => {
      ctx.body = { api: '0.1', server: CUTTLE_VERSION, text: `OctoPrint (cuttle ${CUTTLE_VERSION})` };
    });
    router.get('/api/server', (ctx) => {
      ctx.body = { version: CUTTLE_VERSION, safemode: null };
    });
  }
}
