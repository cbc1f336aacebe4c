/**
 * Moonraker's HTTP paths that clients use beside the websocket: `POST /server/files/upload` (root,
 * path, print) and `GET /server/files/gcodes/<path>` (also the thumbnails in a folder's `.thumbs`). Served wherever the websocket is (the listen
 * ports and the main port, for the request's printer). They resolve the caller themselves
 * (access.ts: key, same-origin session, one-shot token, trusted network) before reading any body.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { inject, injectable } from 'inversify';
import type Koa from 'koa';
import { LoginError } from '../auth/api.js';
import { FileManager } from '../files/file-manager.js';
import { readJsonObject } from '../http/request-body.js';
import { sendLocalFile } from '../files/download.js';
import { sendFile } from '../http/ranges.js';
import { parseUpload } from '../files/multipart.js';
import { joinPath, normalisePath } from '../files/paths.js';
import { filesSettings } from '../files/settings.js';
import { HttpError } from '../http/http-error.js';
import { hasPermissions } from '../http/principal.js';
import type { Principal } from '../http/http-server.js';
import { requestPrinter } from '../printer/request-printer.js';
import type { PrinterScope } from '../printers/printer-registry.js';
import { RouteContribution, type Routes } from '../http/routes.js';
import { SettingsService } from '../settings/settings-service.js';
import { MoonrakerAccess } from './access.js';
import { GCODES_ROOT } from './methods/files.js';
import { answerHttpMethod, HTTP_ROOTS } from './http-methods.js';
import { moonrakerSettings } from './settings.js';
import { MoonrakerWebsocket } from './websocket.js';

/** the request's printer (the first one at the main port's root), 404 on a host without printers */
function requestPrinterScope(ctx: Koa.Context): PrinterScope {
  const scope = ctx.state.printer as PrinterScope | undefined;
  if (!scope) throw new HttpError(404, 'No printer');
  return scope;
}

/** Moonraker's upload `checksum`: the SHA-256 the client computed; another file than it sent is 422, not kept */
async function checkSha256(file: string, expected: string): Promise<void> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  const actual = hash.digest('hex');
  if (actual !== expected.trim().toLowerCase()) throw new HttpError(422, `File checksum mismatch: expected ${expected.slice(0, 64)}, calculated ${actual}`);
}

@injectable()
export class MoonrakerRoutes implements RouteContribution {
  readonly owner = 'moonraker';

  constructor(
    @inject(FileManager) private readonly files: FileManager,
    @inject(MoonrakerAccess) private readonly access: MoonrakerAccess,
    @inject(SettingsService) private readonly settings: SettingsService,
    @inject(MoonrakerWebsocket) private readonly websocket: MoonrakerWebsocket,
  ) {}

  /** the caller, 401 without one, 403 without the permission; 404 when the surface is off */
  private require(ctx: Koa.Context, permission: string): Principal {
    if (!this.settings.of(moonrakerSettings).get().enabled) throw new HttpError(404, 'Not found');
    const principal = this.access.principalOf(ctx.req, new URLSearchParams(ctx.querystring));
    if (!principal) throw new HttpError(401, 'Unauthorized');
    if (!hasPermissions(principal, [permission])) throw new HttpError(403, `Forbidden: needs the ${permission} permission`);
    ctx.state.principal = principal;
    return principal;
  }

  /** 'public' to the table: each handler resolves its caller (trusted networks have no key) */
  registerRoutes(routes: Routes): void {
    routes.post('/server/files/upload', 'public', (ctx) => this.upload(ctx));
    routes.get(`/server/files/${GCODES_ROOT}/*path`, 'public', (ctx) => {
      this.require(ctx, 'FILES_DOWNLOAD');
      const path = ctx.params.path ?? '';
      const thumbnail = /^(?:(.*)\/)?\.thumbs\/([^/]+)$/.exec(path);
      return thumbnail ? this.sendThumbnail(ctx, thumbnail[1] ?? '', thumbnail[2]!) : sendLocalFile(ctx, this.files, path);
    });
    // Moonraker's HTTP form of server.files.delete_file (a documented path, which named no method here: 404)
    routes.delete(`/server/files/${GCODES_ROOT}/*path`, 'public', (ctx) => this.method(ctx, { method: 'server.files.delete_file', params: { path: `${GCODES_ROOT}/${ctx.params.path ?? ''}` } }));
    // before a caller is known: the login, and what a client asks to offer one
    routes.post('/access/login', 'public', (ctx) => this.login(ctx));
    routes.get('/access/info', 'public', (ctx) => {
      ctx.body = { result: { default_source: 'moonraker', available_sources: ['moonraker'], login_required: true } };
    });
    routes.post('/access/logout', 'public', (ctx) => {
      const token = /^Bearer\s+(\S+)$/i.exec(ctx.get('Authorization'))?.[1];
      const principal = token ? this.access.principalOfToken(token) : null;
      if (!token || !principal || !this.access.logout(token)) throw new HttpError(401, 'Unauthorized');
      ctx.body = { result: { username: principal.name, action: 'user_logged_out' } };
    });
    // the refresh token is the credential
    routes.post('/access/refresh_jwt', 'public', async (ctx) => {
      if (!this.settings.of(moonrakerSettings).get().enabled) throw new HttpError(404, 'Not found');
      const body = { ...ctx.query, ...(ctx.is('application/json') ? await readJsonObject(ctx) : {}) };
      const refreshed = typeof body['refresh_token'] === 'string' ? this.access.refresh(body['refresh_token']) : null;
      if (!refreshed) throw new HttpError(401, 'Invalid Refresh Token');
      ctx.body = { result: { username: refreshed.username, token: refreshed.token, source: 'moonraker', action: 'user_jwt_refresh' } };
    });
    // after the upload and download: every other path under Moonraker's roots names a method
    for (const root of HTTP_ROOTS) routes.all(`/${root}/*rest`, 'public', (ctx) => this.method(ctx));
  }

  /** a thumbnail the analysis extracted (`<folder>/.thumbs/<stem>-<W>x<H>.png`), confined to the storage like any file */
  private async sendThumbnail(ctx: Koa.Context, folder: string, name: string): Promise<void> {
    const disk = this.files.thumbnailPath(folder, name);
    const stat = await fs.promises.lstat(disk).catch(() => null);
    if (!stat?.isFile()) throw new HttpError(404, 'Thumbnail not found');
    ctx.type = name.endsWith('.jpg') ? 'image/jpeg' : 'image/png';
    sendFile(ctx, disk, stat.size);
  }

  /** Moonraker's `access.login` with cuttle's users: 403 for a wrong password, 429 over the address's limit */
  private async login(ctx: Koa.Context): Promise<void> {
    if (!this.settings.of(moonrakerSettings).get().enabled) throw new HttpError(404, 'Not found');
    const body = await readJsonObject(ctx);
    const { username, password } = body;
    if (typeof username !== 'string' || typeof password !== 'string') throw new HttpError(400, 'Expected "username" and "password"');
    try {
      const { principal, token, refreshToken } = await this.access.login(username, password, ctx.ip);
      ctx.body = { result: { username: principal.name, token, refresh_token: refreshToken, source: 'moonraker', action: 'user_logged_in' } };
    } catch (err) {
      if (!(err instanceof LoginError)) throw err;
      if (err.retryAfterMs) ctx.set('Retry-After', String(Math.ceil(err.retryAfterMs / 1000)));
      throw new HttpError(err.status, err.message);
    }
  }

  /** any other Moonraker path: the method it names (http-methods.ts) */
  private async method(ctx: Koa.Context, named?: Parameters<typeof answerHttpMethod>[4]): Promise<void> {
    if (!this.settings.of(moonrakerSettings).get().enabled) throw new HttpError(404, 'Not found');
    const principal = this.access.principalOf(ctx.req, new URLSearchParams(ctx.querystring));
    if (!principal) throw new HttpError(401, 'Unauthorized');
    const dispatcher = this.websocket.methods;
    if (!dispatcher) throw new HttpError(503, 'Starting');
    await answerHttpMethod(ctx, dispatcher, requestPrinterScope(ctx), principal, named);
  }

  private async upload(ctx: Koa.Context): Promise<void> {
    const principal = this.require(ctx, 'FILES_UPLOAD');
    const { fields, file } = await parseUpload(ctx, this.files, this.settings.of(filesSettings).get().maxUploadBytes);
    if (!file) throw new HttpError(400, 'No file in the upload');
    const print = fields['print'] === 'true';
    let target: string;
    try {
      if ((fields['root'] ?? GCODES_ROOT) !== GCODES_ROOT) throw new HttpError(400, `Invalid root: only "${GCODES_ROOT}" is served`);
      if (print && !hasPermissions(principal, ['PRINT'])) throw new HttpError(403, 'Forbidden: printing needs the PRINT permission');
      if (fields['checksum'] !== undefined) await checkSha256(file.staged.tmpPath, fields['checksum']);
      // Cura's Moonraker plugin names the file "/<name>": relative to the folder, as Moonraker takes it
      target = joinPath(normalisePath(fields['path'] ?? ''), file.filename.replace(/^\/+/, ''));
    } catch (err) {
      await this.files.discardUpload(file.staged);
      throw err;
    }
    const stored = await this.files.commitUpload(file.staged, 'local', target, { overwrite: true, upload: true, user: principal.name });
    let started = false;
    if (print) {
      const printer = requestPrinter(ctx);
      if (printer.state.id === 'OPERATIONAL') {
        await printer.selectFile(await this.files.forPrinter(printer).jobFile('local', stored.path), true);
        started = true;
      }
    }
    ctx.status = 201;
    // Moonraker wraps every JSON answer in {result} (Mainsail reads `data.result`)
    ctx.body = {
      result: {
        item: { path: stored.path, root: GCODES_ROOT, size: stored.size, modified: stored.date, permissions: 'rw' },
        print_started: started,
        print_queued: false,
        action: 'create_file',
      },
    };
  }
}
