/**
 * Serves the web app (ui/): its page at `GET /`, and its hashed files at `GET /assets/<name>`,
 * public (the page asks who you are; the data behind it needs a key or a session).
 *
 * The page is the farm at the main port's root, and a printer's page under `/printer/<id>/` (the
 * printer prefix is stripped before routing) or at the root of a printer's own `listen` port: the document says which
 * in `<html data-view>`, so one build serves every base (the app's URLs are all relative).
 * Assets are immutable (their names carry their hash) and sent brotli- or gzip-encoded as built.
 */
import type { Context } from 'koa';
import { inject, injectable } from 'inversify';
import { HttpServer } from '../http/http-server.js';
import { type RouteContribution, type Routes } from '../http/routes.js';
import { PRINTER_ID_PATTERN } from '../common/printer-id.js';
import { shownCamera } from '../printer/printer-identity.js';
import { PrinterRegistry } from '../printers/printer-registry.js';
import { SettingsService } from '../settings/settings-service.js';
import { webcamSettings } from '../timelapse/settings.js';
import { loadWebBundle, type WebAsset, type WebBundle } from './web-assets.js';

/**
 * No inline script or style: the app is files of this origin; it talks to this origin only (REST,
 * socket.io, websockets). Images may also come from the configured webcams' origins.
 */
export function uiCsp(...webcamOrigins: (string | null)[]): string {
  const origins = [...new Set(webcamOrigins.filter((o): o is string => o !== null))];
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' data: blob:${origins.map((o) => ` ${o}`).join('')}`,
    "media-src 'self' blob:",
    "connect-src 'self' ws: wss:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'self'",
  ].join('; ');
}

/** The origin of an http(s) snapshot URL, null for none or a path on this host. */
export function webcamOriginOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : null;
  } catch {
    return null;
  }
}

const ASSET_NAME = /^[\w.-]{1,120}$/;
const NOT_BUILT = '<!doctype html><html lang="en"><title>cuttle</title><p>The web app is not built: run <code>npm run build</code>.</p></html>';

export type PageView = { kind: 'farm' } | { kind: 'printer'; id: string };

/** The built index.html marked with its view (`id` matches PRINTER_ID_PATTERN: nothing to escape). */
export function markedPage(index: string, view: PageView): string {
  const marks = view.kind === 'farm' ? 'data-view="farm"' : `data-view="printer" data-printer="${view.id}"`;
  return index.replace(/<html lang="en"/, `<html lang="en" ${marks}`);
}

@injectable()
export class UiRoutes implements RouteContribution {
  readonly owner = 'ui';
  private bundle: Promise<WebBundle> | undefined;

  constructor(
    @inject(HttpServer) private readonly http: HttpServer,
    @inject(SettingsService) private readonly settings: SettingsService,
    @inject(PrinterRegistry) private readonly printers: PrinterRegistry,
  ) {}

  registerRoutes(routes: Routes): void {
    routes.get('/', 'public', async (ctx) => {
      const { index } = await this.load();
      ctx.type = 'text/html; charset=utf-8';
      ctx.set('Cache-Control', 'no-cache');
      ctx.set('Content-Security-Policy', uiCsp(...this.webcamUrls(ctx).map(webcamOriginOf)));
      ctx.set('X-Content-Type-Options', 'nosniff');
      ctx.set('Referrer-Policy', 'same-origin');
      if (index === null) ctx.status = 503;
      ctx.body = index === null ? NOT_BUILT : markedPage(index, this.viewOf(ctx));
    });
    routes.get('/assets/:name', 'public', async (ctx) => {
      const name = ctx.params['name'] ?? '';
      const asset = ASSET_NAME.test(name) ? (await this.load()).assets.get(name) : undefined;
      if (!asset) {
        ctx.status = 404;
        ctx.body = { error: 'No such asset' };
        return;
      }
      sendAsset(ctx, asset);
    });
  }

  /** The cameras the page may show: the host's, and the page's printer's own (its entry's webcams). */
  private webcamUrls(ctx: Context): string[] {
    const host = this.settings.of(webcamSettings).get();
    const own = shownCamera(ctx.state.printer && this.printers.get(ctx.state.printer.id)?.entry);
    return [host.snapshotUrl, host.streamUrl, own?.snapshotUrl ?? '', own?.streamUrl ?? ''];
  }

  /** Read once, on the first request (the build may come after the host's code was loaded, never after it started). */
  private load(): Promise<WebBundle> {
    return (this.bundle ??= loadWebBundle());
  }

  /** The farm at the main port's own root; a printer's page under `/printer/<id>/` or on another port (a printer's listen port). */
  private viewOf(ctx: Context): PageView {
    if (ctx.state.unknownPrinterPage !== undefined) return { kind: 'printer', id: ctx.state.unknownPrinterPage };
    const scope = ctx.state.printer;
    const prefixed = ctx.state.basePath !== '';
    const port = ctx.req.socket.localPort;
    const otherPort = port !== undefined && this.http.port !== 0 && port !== this.http.port;
    if (!scope || (!prefixed && !otherPort) || !PRINTER_ID_PATTERN.test(scope.id)) return { kind: 'farm' };
    return { kind: 'printer', id: scope.id };
  }
}

function sendAsset(ctx: Context, asset: WebAsset): void {
  // brotli when the client takes it (smaller), whatever order it lists them in
  const encoding = asset.br && ctx.acceptsEncodings('br', 'identity') === 'br' ? 'br' : asset.gzip && ctx.acceptsEncodings('gzip', 'identity') === 'gzip' ? 'gzip' : 'identity';
  const body = encoding === 'br' ? asset.br! : encoding === 'gzip' ? asset.gzip! : asset.identity;
  ctx.type = asset.type;
  ctx.set('Cache-Control', 'public, max-age=31536000, immutable');
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.vary('Accept-Encoding');
  if (encoding !== 'identity') ctx.set('Content-Encoding', encoding);
  ctx.body = body;
}
