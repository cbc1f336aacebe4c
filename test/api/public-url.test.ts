/**
 * Absolute URLs in answers (Location, `resource`, a printer's `baseUrl`) follow `server.publicUrl`
 * when set, else the request's Host only when `server.allowedHosts` (by default the host's own
 * names and addresses) lists it: a forged `Host: evil.example` gets the address the host listens on.
 * A printer's own `listen` port follows the same rules.
 */
import { expect } from 'chai';
import http from 'node:http';
import { refusedStart, type TestHost } from '../support/host.js';
import { keyHeaders } from '../support/http.js';
import { startApiHost } from './support.js';
import { twoPrinters } from '../printers/support.js';
import { freePort } from '../support/free-port.js';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  json: any;
}

/** A request with a Host header of our choosing (fetch sets its own), to the main port or another of the host's (a printer's own). */
function requestWithHost(t: TestHost, method: string, path: string, host: string, body?: unknown, port?: number): Promise<Reply> {
  const url = new URL(t.baseUrl);
  if (port !== undefined) url.port = String(port);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = { ...keyHeaders(t.apiKey), Host: host, ...(payload ? { 'Content-Type': 'application/json' } : {}) };
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, json: text ? JSON.parse(text) : null }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** The absolute URLs three answers carry: a profile's resource, printers' base URLs, and a created printer's Location. */
async function urlsSeenWith(t: TestHost, host: string): Promise<{ resource: string; scopedResource: string; printers: string[] }> {
  const profiles = await requestWithHost(t, 'GET', '/api/printerprofiles', host);
  const scoped = await requestWithHost(t, 'GET', '/printer/p2/api/printerprofiles', host);
  const printers = await requestWithHost(t, 'GET', '/api/printers', host);
  return {
    resource: profiles.json.profiles._default.resource,
    scopedResource: scoped.json.profiles._default.resource,
    printers: printers.json.printers.map((p: { baseUrl: string }) => p.baseUrl),
  };
}

describe('absolute URLs in answers: server.publicUrl and server.allowedHosts', function () {
  this.timeout(30000);
  let t: TestHost | undefined;
  afterEach(async () => {
    await t?.stop();
    t = undefined;
  });

  it('by default follows a Host naming the host itself, and never a foreign one', async () => {
    t = await startApiHost({ config: twoPrinters() });
    const own = t.baseUrl;
    const port = new URL(own).port;
    const forged = await urlsSeenWith(t, 'evil.example');
    expect(forged).to.deep.equal({
      resource: `${own}/api/printerprofiles/_default`,
      scopedResource: `${own}/printer/p2/api/printerprofiles/_default`,
      printers: [`${own}/printer/p1/`, `${own}/printer/p2/`],
    });
    const created = await requestWithHost(t, 'POST', '/api/printers', `evil.example:${port}`, { id: 'p3', name: 'Third', connection: { port: 'virtual' } });
    expect(created.status).to.equal(201);
    expect(created.headers.location).to.equal(`${own}/api/printers/p3`);
    const named = await urlsSeenWith(t, `localhost:${port}`);
    expect(named.resource).to.equal(`http://localhost:${port}/api/printerprofiles/_default`);
    expect(named.printers[1]).to.equal(`http://localhost:${port}/printer/p2/`);
  });

  it('uses server.publicUrl (a reverse proxy\'s, path included) whatever the Host', async () => {
    const listen = await freePort();
    t = await startApiHost({ config: { ...twoPrinters(listen), server: { publicUrl: 'https://farm.example.com/cuttle/' } } });
    for (const host of ['evil.example', 'localhost']) {
      expect(await urlsSeenWith(t, host), host).to.deep.equal({
        resource: 'https://farm.example.com/cuttle/api/printerprofiles/_default',
        scopedResource: 'https://farm.example.com/cuttle/printer/p2/api/printerprofiles/_default',
        printers: ['https://farm.example.com/cuttle/printer/p1/', 'https://farm.example.com/cuttle/printer/p2/'],
      });
      // a printer's own port: the public host name, with that port's scheme and number (the URL's path and port are the main port's)
      const own = await requestWithHost(t, 'GET', '/api/printerprofiles', host, undefined, listen);
      expect(own.json.profiles._default.resource, `${host} on p2's port`).to.equal(`http://farm.example.com:${listen}/api/printerprofiles/_default`);
    }
  });

  it('follows only the hosts server.allowedHosts lists when it is set, on a printer\'s own port too', async () => {
    const listen = await freePort();
    t = await startApiHost({ config: { ...twoPrinters(listen), server: { allowedHosts: ['printers.lan'] } } });
    const port = new URL(t.baseUrl).port;
    expect((await urlsSeenWith(t, `PRINTERS.lan:${port}`)).resource).to.equal(`http://PRINTERS.lan:${port}/api/printerprofiles/_default`);
    const ownPort = async (host: string) => (await requestWithHost(t!, 'GET', '/api/printerprofiles', host, undefined, listen)).json.profiles._default.resource as string;
    expect(await ownPort(`printers.lan:${listen}`)).to.equal(`http://printers.lan:${listen}/api/printerprofiles/_default`);
    expect(await ownPort(`localhost:${listen}`), 'not listed').to.equal(`http://127.0.0.1:${listen}/api/printerprofiles/_default`);
    expect((await urlsSeenWith(t, `localhost:${port}`)).resource, 'not listed').to.equal(`${t.baseUrl}/api/printerprofiles/_default`);
    expect((await urlsSeenWith(t, 'printers.lan@evil.example')).resource, 'not a hostname').to.equal(`${t.baseUrl}/api/printerprofiles/_default`);
  });

  it('refuses a public URL or host list that cannot be one, naming the setting', async () => {
    for (const publicUrl of ['ftp://farm.example.com', 'farm.example.com', 'https://farm.example.com/?x=1', 'https://user:pw@farm.example.com']) {
      expect((await refusedStart({ server: { publicUrl } })).message, publicUrl).to.include('server.publicUrl');
    }
    expect((await refusedStart({ server: { allowedHosts: ['http://x.lan'] } })).message).to.include('server.allowedHosts');
    // a bare string is refused too (by the settings loader, before the format check), naming the key and the file
    const bare = (await refusedStart({ server: { allowedHosts: 'x.lan' } })).message;
    expect(bare).to.include('x.lan').and.include('"server.allowedHosts": must be a list').and.include('config.yaml');
  });
});
