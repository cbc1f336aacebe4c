/** The HTTP server's settings (`server.*`): where it listens, the URL it is reached at, and whom it answers across origins; contributed by core/server's module (here, so that core/printers can refuse a printer's `listen` on the main port without importing the server). */
import { defineSettings } from '../settings/settings-section.js';
import { checkNetworks } from '../common/networks.js';

/** An http(s) URL without query or fragment (a path is kept: a reverse proxy may serve the host under one), or ''. */
function checkPublicUrl(value: unknown): void {
  if (value === '') return;
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new Error('must be an http:// or https:// URL without query, fragment or credentials, e.g. https://farm.example.com/cuttle');
  }
}

function checkHostnames(value: unknown): void {
  if (!Array.isArray(value) || !value.every((h) => typeof h === 'string' && /^[\w.:-]{1,255}$/.test(h))) {
    throw new Error('must be a list of hostnames or addresses (no port, no scheme), e.g. [printers.lan, 192.168.1.20]');
  }
}

export const serverSettings = defineSettings('server', {
  host: { doc: 'Address the HTTP server listens on.', format: String, default: '127.0.0.1', env: 'CUTTLE_HOST' },
  port: { doc: 'Port the HTTP server listens on (0 picks a free one).', format: 'port', default: 5000, env: 'CUTTLE_PORT' },
  publicUrl: {
    doc: 'The URL clients reach the host at (behind a reverse proxy, say); absolute URLs in answers (Location, refs, baseUrl) start with it. Empty: the request\'s Host when server.allowedHosts lists it, else the address listened on. On a printer\'s own listen port only its host name counts.',
    format: checkPublicUrl,
    default: '',
  },
  allowedHosts: {
    doc: 'Hostnames a request\'s Host header may name for absolute URLs in answers; any other Host gets the address listened on. Empty: the host\'s own names and addresses (localhost, its hostname, its interfaces\' addresses).',
    format: checkHostnames,
    default: [] as string[],
  },
  trustedProxies: {
    doc: 'Addresses or CIDR networks of reverse proxies whose X-Forwarded-Proto, -Host, -Port and -Prefix (or X-Script-Name) headers say the URL clients reach the host at; the same headers from any other address change nothing. Empty: none.',
    format: checkNetworks,
    default: [] as string[],
  },
  tls: {
    cert: { doc: 'A PEM certificate file (chain included; relative to the basedir): with server.tls.key, the host serves HTTPS itself (printers\' own listen ports too), for a small setup without a reverse proxy. Empty: HTTP.', format: String, default: '' },
    key: { doc: 'The PEM private key file of server.tls.cert (relative to the basedir).', format: String, default: '' },
  },
  cors: {
    enabled: { doc: 'Answer cross-origin requests (off by default, as in OctoPrint).', format: Boolean, default: false },
    origins: { doc: 'Origins allowed when CORS is enabled; empty means any.', format: Array, default: [] as string[] },
  },
});
