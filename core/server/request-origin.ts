/**
 * Sets each request's origin (`ctx.state.origin`, `ctx.state.mainOrigin`) before it is routed, by
 * core/http/base-url.ts's `requestOrigin` under `server.publicUrl` and `server.allowedHosts`: routes
 * build absolute URLs from it (`baseUrlOf`), never from the `Host` header itself. Forwarded headers
 * are read only from a peer that `server.trustedProxies` lists.
 */
import { inject, injectable } from 'inversify';
import type Koa from 'koa';
import type { BlockList } from 'node:net';
import { forwardedHeaders, ownHostnames, ownOrigin, requestOrigin, type OriginPolicy } from '../http/base-url.js';
import { inNetworks, trustedNetworks } from '../common/networks.js';
import { HttpServer } from '../http/http-server.js';
import type { RequestContribution } from '../http/request-contribution.js';
import { serverSettings } from '../http/settings.js';
import { SettingsService } from '../settings/settings-service.js';

@injectable()
export class RequestOrigins implements RequestContribution {
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
    const { host: listenHost } = this.settings.of(serverSettings).get();
    const port = ctx.req.socket.localPort ?? this.http.port;
    const mainPort = port === this.http.port;
    const forwarded = inNetworks(policy.trustedProxies, ctx.req.socket.remoteAddress) ? forwardedHeaders((name) => ctx.get(name)) : undefined;
    const request = { protocol: ctx.protocol, host: ctx.get('Host'), ownOrigin: ownOrigin(listenHost, port, ctx.protocol === 'https' ? 'https' : 'http'), mainPort, forwarded };
    ctx.state.origin = requestOrigin(request, policy);
    ctx.state.mainOrigin = mainPort ? ctx.state.origin : requestOrigin({ ...request, ownOrigin: this.http.baseUrl(), mainPort: true, host: '', forwarded: undefined }, policy);
    await next();
  };

  /** The host's own names are read once per settings change (reading the interfaces costs a syscall per request otherwise). */
  private currentPolicy(): OriginPolicy & { trustedProxies: BlockList } {
    if (this.policy) return this.policy;
    const { publicUrl, allowedHosts, trustedProxies } = this.settings.of(serverSettings).get();
    const hosts = allowedHosts.length > 0 ? allowedHosts : ownHostnames();
    this.policy = { trustedProxies: trustedNetworks(trustedProxies), publicUrl: publicUrl.replace(/\/+$/, ''), allowedHosts: new Set(hosts.map((h) => h.replace(/^\[(.*)\]$/, '$1').toLowerCase())) };
    return this.policy;
  }
}
