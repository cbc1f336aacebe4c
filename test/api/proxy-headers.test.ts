/**
 * Behind a reverse proxy (issue 24): from an address in server.trustedProxies, X-Forwarded-Proto,
 * -Host, -Port and the prefix (X-Forwarded-Prefix, or X-Script-Name as OctoPrint reads it) make every
 * absolute URL in answers lead back through the proxy; the same headers from any other address
 * change nothing, on the main port and on a printer's own `listen` port alike. The test's requests
 * come from 127.0.0.1, so trusting it makes them the proxy's.
 */
import { expect } from 'chai';
import { type TestHost } from '../support/host.js';
import { keyHeaders } from '../support/http.js';
import { startApiHost } from './support.js';
import { twoPrinters } from '../printers/support.js';
import { freePort } from '../support/free-port.js';

const PROXY = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'pi.example', 'X-Forwarded-Port': '8443', 'X-Forwarded-Prefix': '/cuttle/' };

/** The absolute URLs an OctoPrint-style client meets: a profile's resource, the printers' base URLs, a created printer's Location. */
async function urlsSeen(t: TestHost, headers: Record<string, string>, id: string): Promise<string[]> {
  // fetch sends its own Host; the forwarded headers are what the proxy adds
  const get = async (path: string) => (await fetch(`${t.baseUrl}${path}`, { headers: keyHeaders(t.apiKey, headers) })).json() as Promise<any>;
  const profiles = await get('/api/printerprofiles');
  const printers = await get('/api/printers');
  const created = await fetch(`${t.baseUrl}/api/printers`, {
    method: 'POST',
    headers: keyHeaders(t.apiKey, { ...headers, 'Content-Type': 'application/json' }),
    body: JSON.stringify({ id, name: id, connection: { port: 'virtual' } }),
  });
  expect(created.status).to.equal(201);
  return [profiles.profiles._default.resource, ...printers.printers.map((p: { baseUrl: string }) => p.baseUrl), created.headers.get('location')!];
}

/** The default profile's resource as a printer's own port answers it. */
async function ownPortResource(port: number, key: string, headers: Record<string, string>): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/api/printerprofiles`, { headers: keyHeaders(key, headers) });
  return ((await response.json()) as { profiles: { _default: { resource: string } } }).profiles._default.resource;
}

describe('behind a reverse proxy: server.trustedProxies and the forwarded headers', function () {
  this.timeout(30000);
  let t: TestHost | undefined;
  afterEach(async () => {
    await t?.stop();
    t = undefined;
  });

  it('from a trusted proxy, answers lead back through it (scheme, host, port, prefix), on a printer\'s own port too', async () => {
    const listen = await freePort();
    t = await startApiHost({ config: { ...twoPrinters(listen), server: { trustedProxies: ['127.0.0.0/8'] } } });
    const base = 'https://pi.example:8443/cuttle';
    expect(await urlsSeen(t, PROXY, 'p3')).to.deep.equal([`${base}/api/printerprofiles/_default`, `${base}/printer/p1/`, `${base}/printer/p2/`, `${base}/api/printers/p3`]);
    // a proxy in front of p2's own port (its root served as /p2 there)
    const own = await ownPortResource(listen, t.apiKey, { ...PROXY, 'X-Forwarded-Prefix': '/p2' });
    expect(own).to.equal('https://pi.example:8443/p2/api/printerprofiles/_default');
    // OctoPrint's header for the prefix, and the default port of the scheme left out
    const script = await urlsSeen(t, { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'pi.example', 'X-Script-Name': '/octo' }, 'p4');
    expect(script[0]).to.equal('https://pi.example/octo/api/printerprofiles/_default');
    // a trusted proxy that forwards nothing: the host's own rules, as without a proxy
    expect((await urlsSeen(t, {}, 'p5'))[0]).to.equal(`${t.baseUrl}/api/printerprofiles/_default`);
  });

  it('ignores a forwarded prefix or scheme that is not one, keeping the rest', async () => {
    t = await startApiHost({ config: { ...twoPrinters(), server: { trustedProxies: ['127.0.0.1'] } } });
    const [resource] = await urlsSeen(t, { 'X-Forwarded-Proto': 'javascript', 'X-Forwarded-Host': 'pi.example', 'X-Forwarded-Prefix': 'no-slash"<x>' }, 'p3');
    expect(resource).to.equal('http://pi.example/api/printerprofiles/_default');
  });

  it('from an address not trusted, the same headers change nothing, on a printer\'s own port neither', async () => {
    const listen = await freePort();
    t = await startApiHost({ config: { ...twoPrinters(listen), server: { trustedProxies: ['10.0.0.0/8', '::1'] } } });
    expect(await ownPortResource(listen, t.apiKey, PROXY)).to.equal(`http://127.0.0.1:${listen}/api/printerprofiles/_default`);
    const plain = await urlsSeen(t, {}, 'p3');
    const forged = await urlsSeen(t, PROXY, 'p4');
    expect(forged.slice(0, 3)).to.deep.equal(plain.slice(0, 3));
    expect(forged.slice(0, 3).every((url) => url.startsWith(`${t!.baseUrl}/`))).to.equal(true);
    expect(forged.at(-1)).to.equal(`${t.baseUrl}/api/printers/p4`);
  });

  it('refuses a trustedProxies entry that is not an address or network, naming it', async () => {
    const { loadSettings } = await import('../../core/container.js');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const dir = mkdtempSync(`${process.env.TMPDIR ?? '/tmp'}/cuttle-proxy-`);
    writeFileSync(`${dir}/config.yaml`, 'server:\n  trustedProxies: [nginx.local]\n');
    expect(() => loadSettings({ basedir: dir, env: {} })).to.throw(/server\.trustedProxies.*nginx\.local/);
  });
});
