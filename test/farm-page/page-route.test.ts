/**
 * Which page `GET /` serves, without a key: the web app (ui/, built into dist/web) marked as the farm
 * at the main port's root, as a printer's page at `/printer/<id>/` and at the root of that printer's
 * own listen port, 404 for a printer that is not (or no longer) there. The document and its hashed
 * assets use relative URLs only, so they work under any of those bases; the assets are served
 * immutable and precompressed, and the CSP allows no inline script.
 */
import { expect } from 'chai';
import { uiCsp, webcamOriginOf } from '../../core/ui/ui-routes.js';
import { PrinterRegistry } from '../../core/printers/printer-registry.js';
import { freePort } from '../support/free-port.js';
import { startTestHost, type TestHost } from '../support/host.js';

async function page(url: string): Promise<{ status: number; html: string; headers: Headers }> {
  const response = await fetch(url, { redirect: 'manual' });
  return { status: response.status, html: await response.text(), headers: response.headers };
}

const view = (html: string) => /<html lang="en" ([^>]*)>/.exec(html)?.[1];

describe('farm page: which view each base gets', function () {
  this.timeout(30000);
  let t: TestHost;
  let listen: number;

  before(async () => {
    listen = await freePort();
    t = await startTestHost({
      config: {
        printers: [
          { id: 'p1', name: 'One', connection: { port: 'virtual' } },
          { id: 'p2', name: 'Two', connection: { port: 'virtual' } },
          { id: 'p3', name: 'Three', connection: { port: 'virtual' }, listen },
        ],
      },
    });
  });
  after(async () => {
    await t?.stop();
  });

  it('serves the farm at / without a key, as static HTML with its security headers', async () => {
    const farm = await page(`${t.baseUrl}/`);
    expect(farm.status).to.equal(200);
    expect(farm.headers.get('content-type')).to.equal('text/html; charset=utf-8');
    const csp = farm.headers.get('content-security-policy') ?? '';
    expect(csp).to.contain("default-src 'self'");
    expect(csp).to.contain("script-src 'self';");
    expect(csp).not.to.contain('unsafe-inline');
    // no webcam configured: images from this host only
    expect(csp).to.contain("img-src 'self' data: blob:;");
    expect(farm.headers.get('cache-control')).to.equal('no-cache');
    // no inline script: only files of this origin
    expect(farm.html).to.match(/<script type="module" crossorigin src="\.\/assets\/index-[\w-]+\.js"><\/script>/);
    expect(farm.html.match(/<script\b[^>]*>[^<]/g)).to.equal(null);
    expect(view(farm.html)).to.equal('data-view="farm"');
    // the key is asked for by the page, nothing of a printer is in the document
    expect(farm.html).not.to.contain('One');
    expect((await page(`${t.baseUrl}/?apikey=wrong`)).html).to.equal(farm.html);
  });

  it("serves a printer's page at /printer/<id>/ (and redirects /printer/<id> there)", async () => {
    const p2 = await page(`${t.baseUrl}/printer/p2/`);
    expect(p2.status).to.equal(200);
    expect(view(p2.html)).to.equal('data-view="printer" data-printer="p2"');
    expect(view((await page(`${t.baseUrl}/printer/p1/?apikey=x`)).html)).to.equal('data-view="printer" data-printer="p1"');
    const bare = await page(`${t.baseUrl}/printer/p2?apikey=x`);
    expect(bare.status).to.equal(302);
    expect(bare.headers.get('location')).to.equal('/printer/p2/?apikey=x');
    // without a key an unknown id gets the same public page as a known one (ids cannot be probed);
    // the data behind it answers 403 alike, and a caller with a key learns there is no such printer
    const unknown = await page(`${t.baseUrl}/printer/nope/`);
    expect(unknown.status).to.equal(200);
    expect(unknown.html.replace('data-printer="nope"', 'data-printer="p2"')).to.equal(p2.html);
    const asset = /src="\.\/(assets\/[^"]+)"/.exec(p2.html)![1]!;
    expect((await fetch(`${t.baseUrl}/printer/nope/${asset}`)).status).to.equal(200);
    expect((await fetch(`${t.baseUrl}/printer/nope/api/job`)).status).to.equal(403);
    expect((await fetch(`${t.baseUrl}/printer/nope/`, { headers: { 'X-Api-Key': t.apiKey } })).status).to.equal(404);
    expect((await page(`${t.baseUrl}/printer/no%20pe/`)).status, 'not an id').to.equal(404);
  });

  it("serves printer 3's page at the root of its own listen port", async () => {
    const p3 = await page(`http://127.0.0.1:${listen}/`);
    expect(p3.status).to.equal(200);
    expect(view(p3.html)).to.equal('data-view="printer" data-printer="p3"');
  });

  it('uses relative URLs only, so one document and its assets work under every base', async () => {
    const { html } = await page(`${t.baseUrl}/printer/p2/`);
    const assets = [...html.matchAll(/(?:src|href)="\.\/(assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets.some((a) => a.endsWith('.js')) && assets.some((a) => a.endsWith('.css')), html).to.equal(true);
    expect(html.match(/(?:src|href)="\/[^"]*"/g), 'absolute URLs in the page').to.equal(null);
    for (const asset of assets) {
      const body = await (await fetch(`${t.baseUrl}/${asset}`, { headers: { 'Accept-Encoding': 'identity' } })).text();
      // the only absolute path in the bundle is socket.io-client's default, which the app overrides with a relative one
      const absolute = (body.match(/["'`(]\/(api|socket\.io|sockjs|plugin|printer|downloads)\b[^"'`)]*/g) ?? []).filter((m) => m !== '`/socket.io');
      expect(absolute, `${asset}: ${absolute}`).to.deep.equal([]);
    }
    // the same hashed files under a printer's prefix and at its own port
    for (const base of [`${t.baseUrl}/printer/p2/`, `http://127.0.0.1:${listen}/`]) {
      for (const asset of assets) expect((await fetch(`${base}${asset}`)).status, `${base}${asset}`).to.equal(200);
    }
  });

  it('serves the hashed assets immutable, brotli or gzip as the client accepts, and 404 for anything else', async () => {
    const { html } = await page(`${t.baseUrl}/`);
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)![1]!;
    const plain = await fetch(`${t.baseUrl}/${script}`, { headers: { 'Accept-Encoding': 'identity' } });
    expect(plain.headers.get('cache-control')).to.equal('public, max-age=31536000, immutable');
    expect(plain.headers.get('content-type')).to.equal('text/javascript; charset=utf-8');
    expect(plain.headers.get('content-encoding')).to.equal(null);
    const identity = Buffer.from(await plain.arrayBuffer());
    for (const accept of ['br', 'gzip', 'gzip, deflate, br']) {
      // fetch decodes the body: it must come back byte for byte as the plain file
      const response = await fetch(`${t.baseUrl}/${script}`, { headers: { 'Accept-Encoding': accept } });
      expect(response.headers.get('content-encoding'), accept).to.equal(accept === 'gzip' ? 'gzip' : 'br');
      expect(response.headers.get('vary')).to.contain('Accept-Encoding');
      expect(Number(response.headers.get('content-length')), accept).to.be.below(identity.length / 2);
      expect(Buffer.from(await response.arrayBuffer()).equals(identity), accept).to.equal(true);
    }
    expect((await fetch(`${t.baseUrl}/assets/nope.js`)).status).to.equal(404);
    expect((await fetch(`${t.baseUrl}/assets/..%2Findex.html`)).status).to.equal(404);
  });

  it("lets images come from a configured webcam's origin only", () => {
    expect(webcamOriginOf('http://cam.local:8080/?action=snapshot')).to.equal('http://cam.local:8080');
    expect(webcamOriginOf('/webcam/test-pattern.jpg')).to.equal(null);
    expect(webcamOriginOf('javascript:alert(1)')).to.equal(null);
    expect(uiCsp('http://cam.local:8080')).to.contain("img-src 'self' data: blob: http://cam.local:8080;");
    expect(uiCsp('http://cam.local:8080')).to.contain("script-src 'self';");
  });

  it("answers 404 at a removed printer's page to a caller with a key (without one, the public page any id gets)", async () => {
    await t.get<PrinterRegistry>(PrinterRegistry).remove('p2');
    expect((await page(`${t.baseUrl}/printer/p2/`)).status).to.equal(200);
    expect((await fetch(`${t.baseUrl}/printer/p2/api/job`)).status).to.equal(403);
    expect((await fetch(`${t.baseUrl}/printer/p2/`, { headers: { 'X-Api-Key': t.apiKey } })).status).to.equal(404);
    expect(view((await page(`${t.baseUrl}/printer/p1/`)).html)).to.equal('data-view="printer" data-printer="p1"');
  });
});
