/**
 * Sets each request's origin (`ctx.state.origin`, `ctx.state.mainOrigin`) before it is routed, by
 * core/http/base-url.ts's `requestOrigin` under `server.publicUrl` and `server.allowedHosts`: routes
 * build absolute URLs from it (`baseUrlOf`), never from the `Host` header itself. Forwarded headers
 * are read only from a peer that `server.trustedProxies` lists.
 */
import type http from 'node:http';
import type { TLSSocket } from 'node:tls';
import { inject, injectable } from 'inversify';
import type Koa from 'koa';
import type { BlockList } from 'node:net';
import { forwardedHeaders, ownHostnames, ownOrigin, requestOrigin, type OriginPolicy, type OriginRequest, type RequestOriginSource } from '../http/base-url.js';
import { inNetworks, trustedNetworks } from '../common/networks.js';
import { HttpServer } from '../http/http-server.js';
import type { RequestContribution } from '../http/request-contribution.js';
import { serverSettings } from '../http/settings.js';
import { SettingsService } from '../settings/settings-service.js';

@injectable()
export class RequestOrigins implements RequestContribution, RequestOriginSource {
  readonly owner = 'server';
  private policy: (OriginPolicy & { trustedProxies: BlockList }) | undefined;

  constructor(
    @inject(HttpServer) private readonly http: HttpServer,
    @inject(SettingsService) private readonly settings: SettingsService,
  ) {
    this.settings.of(serverSettings).onDidChange(() => (this.policy = undefined));
  }

  readonly middleware: Koa.Middleware = async (ctx, next) => {
    const policy = this.currentPolicy();
    const request = this.originRequest(ctx.req, ctx.protocol);
    ctx.state.origin = requestOrigin(request, policy);
    ctx.state.mainOrigin = request.mainPort ? ctx.state.origin : requestOrigin({ ...request, ownOrigin: this.http.baseUrl(), mainPort: true, host: '', forwarded: undefined }, policy);
    await next();
  };

  /** A raw request's origin, as the middleware decides it (websocket upgrades never pass the middleware). */
  originOf(req: http.IncomingMessage): string {
    return requestOrigin(this.originRequest(req, (req.socket as TLSSocket).encrypted ? 'https' : 'http'), this.currentPolicy());
  }

  private originRequest(req: http.IncomingMessage, protocol: string): OriginRequest {
    const { host: listenHost } = this.settings.of(serverSettings).get();
    const port = req.socket.localPort ?? this.http.port;
    const forwarded = inNetworks(this.currentPolicy().trustedProxies, req.socket.remoteAddress) ? forwardedHeaders((name) => headerOf(req, name)) : undefined;
    return { protocol, host: headerOf(req, 'host'), ownOrigin: ownOrigin(listenHost, port, protocol === 'https' ? 'https' : 'http'), mainPort: port === this.http.port, forwarded };
  }

  /** The host's own names are read once per settings change (reading the interfaces costs a syscall per request otherwise). */
  private currentPolicy(): OriginPolicy & { trustedProxies: BlockList } {
    if (this.policy) return this.policy;
    const { publicUrl, allowedHosts, trustedProxies } = this.settings.of(serverSettings).get();
    const hosts = allowedHosts.length > 0 ? allowedHosts : ownHostnames();
    this.policy = { trustedProxies: trustedNetworks(trustedProxies), publicUrl: publicUrl.replace(/\/+$/, ''), allowedHosts: new Set(hosts.map((h) => h.replace(/^\[(.*)\]$/, '$1').toLowerCase())) };
    return this.policy;
  }
}

/** a header's value as one string ('' when absent), as koa's ctx.get gives it */
function headerOf(req: http.IncomingMessage, name: string): string {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : (value ?? '');
}
