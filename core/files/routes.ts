/**
 * The files REST API, as OctoPrint's: list (`GET /api/files[/{location}[/{path}]]`), upload or
 * create a folder (`POST /api/files/{location}`, multipart), file commands (`POST
 * /api/files/{location}/{path}`: select, unselect, copy, move, analyse, slice), delete, and the download
 * link the listings point to (`GET /downloads/files/local/{path}`). `sdcard` is the request's printer's
 * card; `local` is shared by every printer.
 */
import { inject, injectable, multiInject, optional } from 'inversify';
import type Koa from 'koa';
import type { StorageOrigin } from '../events/catalogue.js';
import { FileCommandContribution } from './file-commands.js';
import { FileManager, type StoredEntry } from './file-manager.js';
import { joinPath, normalisePath } from './paths.js';
import { filesSettings } from './settings.js';
import { errorInfo, Logger } from '../logging/logger.js';
import { SettingsService } from '../settings/settings-service.js';
import { HttpError } from '../http/http-error.js';
import { assertPermission } from '../http/principal.js';
import { requestPrinter } from '../printer/request-printer.js';
import { baseUrlOf, entryJson, refsOf, resourceUrl, storageOrigin } from './file-json.js';
import { parseUpload } from './multipart.js';
import { sendLocalFile } from './download.js';
import { checkedDepth, readJsonObject } from '../http/request-body.js';
import { commandOf, stringField, truthy } from '../http/request-fields.js';
import { RouteContribution, type Routes, anyOf } from '../http/routes.js';

@injectable()
export class FilesRoutes implements RouteContribution {
  readonly owner = 'rest-files';

  constructor(
    @inject(FileManager) private readonly files: FileManager,
    @inject(SettingsService) private readonly settings: SettingsService,
    @inject(Logger) private readonly logger: Logger,
    @multiInject(FileCommandContribution) @optional() private readonly contributed: FileCommandContribution[] = [],
  ) {}

  registerRoutes(routes: Routes): void {
    routes.get('/api/files', 'FILES_LIST', async (ctx) => {
      const recursive = truthy(ctx.query.recursive);
      const local = await this.files.list('local', '', recursive);
      const sd = await this.filesOf(ctx).list('sdcard');
      ctx.body = { files: [...local, ...sd].map((e) => entryJson(baseUrlOf(ctx), e)), ...(await this.files.space()) };
    });
    routes.get('/api/files/:origin', 'FILES_LIST', async (ctx) => {
      const origin = storageOrigin(ctx.params.origin);
      const entries = await this.filesOf(ctx).list(origin, '', truthy(ctx.query.recursive));
      ctx.body = { files: entries.map((e) => entryJson(baseUrlOf(ctx), e)), ...(await this.files.space()) };
    });
    routes.get('/api/files/:origin/*path', 'FILES_LIST', async (ctx) => {
      const entry = await this.filesOf(ctx).get(storageOrigin(ctx.params.origin), ctx.params.path ?? '');
      if (!entry) throw new HttpError(404, 'File not found');
      ctx.body = entryJson(baseUrlOf(ctx), entry);
    });
    routes.post('/api/files/:origin', 'FILES_UPLOAD', (ctx) => this.upload(ctx, storageOrigin(ctx.params.origin)));
    routes.post('/api/files/:origin/*path', anyOf('FILES_SELECT', 'FILES_UPLOAD', 'SLICE'), (ctx) => this.command(ctx, storageOrigin(ctx.params.origin), ctx.params.path ?? ''));
    routes.delete('/api/files/:origin/*path', 'FILES_DELETE', async (ctx) => {
      await this.filesOf(ctx).remove(storageOrigin(ctx.params.origin), ctx.params.path ?? '');
      ctx.status = 204;
    });
    routes.get('/downloads/files/local/*path', 'FILES_DOWNLOAD', (ctx) => sendLocalFile(ctx, this.files, ctx.params.path ?? ''));
  }

  /** the files as the request's printer sees them: the shared local storage and its own SD card */
  private filesOf(ctx: Pick<Koa.Context, 'state'>): FileManager {
    return this.files.forPrinter(ctx.state.printer?.printer);
  }

  private async upload(ctx: Koa.Context, origin: StorageOrigin): Promise<void> {
    const { fields, file } = await parseUpload(ctx, this.files, this.settings.of(filesSettings).get().maxUploadBytes);
    const folder = fields.path ?? '';
    if (!file) {
      if (fields.foldername === undefined) throw new HttpError(400, 'No file to upload and no folder to create');
      const created = await this.files.addFolder(origin, joinPath(normalisePath(folder), fields.foldername));
      ctx.status = 201;
      ctx.set('Location', resourceUrl(baseUrlOf(ctx), origin, created.path));
      ctx.body = { done: true, folder: { name: created.name, display: created.name, path: created.path, origin, refs: refsOf(baseUrlOf(ctx), created) } };
      return;
    }
    const print = truthy(fields.print);
    const select = print || truthy(fields.select);
    let target: string;
    let userdata: unknown;
    try {
      if (print) assertPermission(ctx, 'PRINT');
      if (select) assertPermission(ctx, 'FILES_SELECT');
      target = joinPath(normalisePath(folder), file.filename);
      userdata = parseUserdata(fields.userdata);
    } catch (err) {
      await this.files.discardUpload(file.staged);
      throw err;
    }
    const stored = await this.filesOf(ctx).commitUpload(file.staged, origin, target, {
      overwrite: true,
      upload: true,
      userdata,
      user: ctx.state.principal?.name,
    });
    let selected = false;
    if (select) selected = await this.select(ctx, origin, stored.path, print, true);
    ctx.status = 201;
    ctx.set('Location', resourceUrl(baseUrlOf(ctx), origin, stored.path));
    ctx.body = {
      done: true,
      effectivePrint: print && selected,
      effectiveSelect: selected,
      files: {
        [origin]: { name: stored.name, display: stored.name, path: stored.path, origin, refs: refsOf(baseUrlOf(ctx), stored) },
      },
      folder: null,
    };
  }

  /** Selects (and maybe starts) a file; with `lenient` a refusal is logged and reported as false. */
  private async select(ctx: Pick<Koa.Context, 'state'>, origin: StorageOrigin, path: string, print: boolean, lenient: boolean): Promise<boolean> {
    try {
      const printer = requestPrinter(ctx);
      if (printer.snapshot().state.id !== 'OPERATIONAL') throw new HttpError(409, 'Printer is not operational or already busy');
      await printer.selectFile(await this.files.forPrinter(printer).jobFile(origin, path), print);
      return true;
    } catch (err) {
      if (!lenient) throw err;
      this.logger.info({ path, ...errorInfo(err) }, 'uploaded file not selected');
      return false;
    }
  }

  private async command(ctx: Koa.Context, origin: StorageOrigin, path: string): Promise<void> {
    const body = await readJsonObject(ctx);
    const command = commandOf(body);
    switch (command) {
      case 'select':
        assertPermission(ctx, 'FILES_SELECT');
        if (truthy(body.print)) assertPermission(ctx, 'PRINT');
        if (!(await this.filesOf(ctx).get(origin, path))) throw new HttpError(404, 'File not found');
        await this.select(ctx, origin, path, truthy(body.print), false);
        ctx.status = 204;
        return;
      case 'unselect': {
        const printer = requestPrinter(ctx);
        const job = printer.snapshot().job;
        if (!job || job.origin !== origin || job.path !== normalisePath(path)) throw new HttpError(409, 'This file is not selected');
        if (printer.isBusyWith(origin, job.path)) throw new HttpError(409, 'The file is being printed');
        printer.deselectFile();
        ctx.status = 204;
        return;
      }
      case 'copy':
      case 'move': {
        const destination = stringField(body, 'destination')!;
        const entry: StoredEntry =
          command === 'copy' ? await this.files.copy(origin, path, destination) : await this.files.move(origin, path, destination);
        ctx.status = 201;
        ctx.set('Location', resourceUrl(baseUrlOf(ctx), origin, entry.path));
        ctx.body = entryJson(baseUrlOf(ctx), entry);
        return;
      }
      case 'analyse':
        await this.files.analyse(origin, path);
        ctx.status = 204;
        return;
      default: {
        const contribution = this.contributed.find((c) => c.command === command);
        if (!contribution) throw new HttpError(400, `unknown command "${command}"`);
        return contribution.run(ctx, origin, path, body);
      }
    }
  }

}

/** OctoPrint's `userdata` upload field: a JSON value kept in the file's metadata. */
function parseUserdata(text: string | undefined): unknown {
  if (text === undefined || text === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, '"userdata" must be valid JSON');
  }
  // kept in the file's metadata and answered back: bounded in depth like a JSON body
  return checkedDepth(value);
}
