/** `GET|POST /api/printer/sd`: the SD card's state; init/refresh/release as M21/M20/M22 (409 unless the printer is operational). */
import { injectable } from 'inversify';
import { HttpError } from '../http/http-error.js';
import { readJsonObject } from '../http/request-body.js';
import type { RouteContribution, Routes } from '../http/routes.js';
import { operationalPrinter } from './request-printer.js';

const SD_COMMANDS: Record<string, string> = { init: 'M21', refresh: 'M20', release: 'M22' };

@injectable()
export class SdRoutes implements RouteContribution {
  readonly owner = 'printer-sd';

  registerRoutes(routes: Routes): void {
    routes.get('/api/printer/sd', 'STATUS', (ctx) => {
      ctx.body = { ready: operationalPrinter(ctx).sd.ready };
    });
    routes.post('/api/printer/sd', 'CONTROL', async (ctx) => {
      const body = await readJsonObject(ctx);
      const printer = operationalPrinter(ctx);
      const command = String(body['command']);
      const code = Object.hasOwn(SD_COMMANDS, command) ? SD_COMMANDS[command] : undefined;
      if (!code) throw new HttpError(400, 'Expected "command": init, refresh or release');
      printer.commands(code);
      ctx.status = 204;
    });
  }
}
