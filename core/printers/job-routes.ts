/** `GET /api/job` (file, estimate, progress, state) and `POST /api/job` (start, cancel, restart, pause). */
import { inject, injectable, optional } from 'inversify';
import { FileManager } from '../files/file-manager.js';
import { isJobActive, jobDetailsOf, jobJson, progressJson } from '../printer/octoprint-views.js';
import { HttpError } from '../http/http-error.js';
import { requestPrinter } from '../printer/request-printer.js';
import { readJsonObject } from '../http/request-body.js';
import { commandOf } from '../http/request-fields.js';
import { RouteContribution, type Routes } from '../http/routes.js';

@injectable()
export class JobRoutes implements RouteContribution {
  readonly owner = 'rest-job';

  constructor(
    @inject(FileManager) private readonly files: FileManager,
  ) {}

  registerRoutes(routes: Routes): void {
    routes.get('/api/job', 'STATUS', async (ctx) => {
      const snapshot = ctx.state.printer?.printer.snapshot();
      const job = snapshot?.job ?? null;
      const file = job ? await this.files.forPrinter(ctx.state.printer?.printer).jobDetailsFile(job.origin, job.path) : undefined;
      ctx.body = {
        job: jobJson(job, jobDetailsOf(file, ctx.state.principal?.name ?? null)),
        progress: progressJson(snapshot?.progress),
        state: snapshot?.state.text ?? 'Offline',
        error: snapshot?.state.error || null,
      };
    });
    routes.post('/api/job', 'PRINT', async (ctx) => {
      const body = await readJsonObject(ctx);
      const command = commandOf(body);
      const printer = requestPrinter(ctx);
      const { state, job } = printer.snapshot();
      const active = isJobActive(state.id);
      switch (command) {
        case 'start':
          if (!job) throw new HttpError(409, 'No file selected');
          if (state.id !== 'OPERATIONAL') throw new HttpError(409, 'Printer is not operational or already printing');
          await printer.startPrint();
          break;
        case 'restart':
          if (state.id !== 'PAUSED') throw new HttpError(409, 'Only a paused print can be restarted');
          await printer.restartPrint();
          break;
        case 'cancel':
          if (!active) throw new HttpError(409, 'No print job is running');
          await printer.cancelPrint();
          break;
        case 'pause': {
          const action = body.action ?? 'toggle';
          if (!active) throw new HttpError(409, 'No print job is running');
          if (action === 'pause' || (action === 'toggle' && state.id === 'PRINTING')) {
            if (state.id !== 'PRINTING') throw new HttpError(409, 'The print is not running');
            await printer.pausePrint();
          } else if (action === 'resume' || action === 'toggle') {
            if (state.id !== 'PAUSED') throw new HttpError(409, 'The print is not paused');
            await printer.resumePrint();
          } else {
            throw new HttpError(400, `unknown pause action "${String(action)}"`);
          }
          break;
        }
        default:
          throw new HttpError(400, `unknown command "${command}"`);
      }
      ctx.status = 204;
    });
  }
}
