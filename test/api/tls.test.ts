/**
 * server.tls (issue 24): with a certificate and key the host serves HTTPS itself, its answers'
 * URLs are https ones, and a missing half, an unreadable file or a key that is not the
 * certificate's refuse the start naming the setting; a printer's own `listen` port serves HTTPS too.
 * The certificate is made by openssl here.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { refusedStart, type TestHost } from '../support/host.js';
import { keyHeaders } from '../support/http.js';
import { needsTool } from '../support/tools.js';
import { makeCertificate } from '../support/certificate.js';
import { startApiHost } from './support.js';
import { twoPrinters } from '../printers/support.js';
import { freePort } from '../support/free-port.js';

/** GET over TLS, trusting only `ca` (the test's certificate), with the API key. */
function getJson(url: string, key: string, ca: Buffer): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca, headers: keyHeaders(key) }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
      })
      .on('error', reject);
  });
}

describe('server.tls: HTTPS without a proxy', function () {
  this.timeout(30000);
  let dir: string;
  let t: TestHost | undefined;
  before(function () {
    needsTool(this, 'openssl');
    dir = mkdtempSync(path.join(os.tmpdir(), 'cuttle-tls-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(async () => {
    await t?.stop();
    t = undefined;
  });

  it('serves HTTPS with the certificate, and its answers carry https URLs, on a printer\'s own port too', async () => {
    const { cert, key } = makeCertificate(dir, 'host');
    const listen = await freePort();
    t = await startApiHost({ config: { ...twoPrinters(listen), server: { tls: { cert, key } } } });
    const own = await getJson(`https://127.0.0.1:${listen}/api/printerprofiles`, t.apiKey, readFileSync(cert));
    expect(own.json.profiles._default.resource).to.equal(`https://127.0.0.1:${listen}/api/printerprofiles/_default`);
    const ownPlain = await fetch(`http://127.0.0.1:${listen}/api/version`).then((r) => r.status, () => 'refused');
    expect(ownPlain, "plain HTTP on the printer's port").to.not.equal(200);
    expect(t.baseUrl).to.match(/^https:\/\/127\.0\.0\.1:\d+$/);
    const version = await getJson(`${t.baseUrl}/api/version`, t.apiKey, readFileSync(cert));
    expect(version.status).to.equal(200);
    const profiles = await getJson(`${t.baseUrl}/api/printerprofiles`, t.apiKey, readFileSync(cert));
    expect(profiles.json.profiles._default.resource).to.equal(`${t.baseUrl}/api/printerprofiles/_default`);
    // plain HTTP on the TLS port is not answered as HTTP
    const plain = await fetch(t.baseUrl.replace('https:', 'http:') + '/api/version').then((r) => r.status, () => 'refused');
    expect(plain).to.not.equal(200);
  });

  it('refuses to start with half of it, an unreadable file, or a key that is not the certificate\'s', async () => {
    const one = makeCertificate(dir, 'one');
    const other = makeCertificate(dir, 'other');
    expect((await refusedStart({ server: { tls: { cert: one.cert } } })).key).to.equal('server.tls.key');
    const missing = await refusedStart({ server: { tls: { cert: path.join(dir, 'nope.crt'), key: one.key } } });
    expect(missing.key).to.equal('server.tls.cert');
    expect(missing.problem).to.contain('ENOENT');
    const mismatched = await refusedStart({ server: { tls: { cert: one.cert, key: other.key } } });
    expect(mismatched.key).to.equal('server.tls.key');
  });
});
