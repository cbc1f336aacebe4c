/**
 * Which page `GET /` serves, without a key: the farm at the main port's root, a printer's page at
 * `/printer/<id>/` and at the root of that printer's own listen port, 404 for a printer that is not
 * (or no longer) there. The document uses relative URLs only, so it works under any of those bases.
 */
import { expect } from 'chai';
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
    expect(farm.headers.get('content-security-policy')).to.contain("default-src 'self'");
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
    expect((await page(`${t.baseUrl}/printer/nope/`)).status).to.equal(404);
  });

  it("serves printer 3's page at the root of its own listen port", async () => {
    const p3 = await page(`http://127.0.0.1:${listen}/`);
    expect(p3.status).to.equal(200);
    expect(view(p3.html)).to.equal('data-view="printer" data-printer="p3"');
  });

  it('uses relative URLs only, so one document works under every base', async () => {
    const { html } = await page(`${t.baseUrl}/printer/p2/`);
    const absolute = html.match(/["'`(]\/(api|socket\.io|sockjs|plugin|printer|downloads)\b[^"'`)]*/g);
    expect(absolute, String(absolute)).to.equal(null);
    for (const relative of ["'api/printers'", "'api/login'", "'api/files/local'", "'sockjs/websocket'", "'socket.io/socket.io.min.js'", "'plugin/appkeys/decision/'"]) expect(html).to.contain(relative);
  });

  it('answers 404 at a removed printer\'s page', async () => {
    await t.get<PrinterRegistry>(PrinterRegistry).remove('p2');
    expect((await page(`${t.baseUrl}/printer/p2/`)).status).to.equal(404);
    expect(view((await page(`${t.baseUrl}/printer/p1/`)).html)).to.equal('data-view="printer" data-printer="p1"');
  });
});
