/**
 * Non-ASCII file names end to end: a name sent as raw UTF-8 (`filename="é.gcode"`, as browsers and
 * curl send it) or as RFC 5987 `filename*=UTF-8''…` is stored, listed, downloaded, selected and
 * printed under exactly that name, and the events carry it; hostile names are refused however they
 * are encoded.
 */
import { expect } from 'chai';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { PrinterService } from '../../core/printer/printer-service.js';
import type { TestHost } from '../support/host.js';
import { fastSerial } from '../printer/helpers.js';
import { api, multipart, SMALL_GCODE, startApiHost, uploadForm, type Api } from './support.js';
import { keyHeaders } from '../support/http.js';
import { waitFor } from '../support/wait.js';
import { recordEvents } from '../support/events.js';
import { PrinterRegistry } from '../../core/printers/printer-registry.js';

const BOUNDARY = 'unicode-names-boundary';

/** A multipart upload whose file part has exactly this Content-Disposition parameter text. */
function rawUpload(call: Api, dispositionParams: string, fields: { name: string; value: string }[] = []): ReturnType<Api> {
  const body = Buffer.concat([
    multipart(BOUNDARY, fields).subarray(0, -Buffer.byteLength(`--${BOUNDARY}--\r\n`)),
    Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; ${dispositionParams}\r\nContent-Type: application/octet-stream\r\n\r\n`),
    Buffer.from(SMALL_GCODE),
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ]);
  return call('POST', '/api/files/local', { body, headers: { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}` } });
}

/** The name a client reads from Content-Disposition: `filename*` (UTF-8) first, else the latin1 `filename`. */
function dispositionName(header: string): string | undefined {
  const extended = /filename\*=UTF-8''([^;\s]+)/i.exec(header);
  if (extended) return decodeURIComponent(extended[1]!);
  return /filename="([^"]*)"/.exec(header)?.[1];
}

describe('non-ASCII file names', function () {
  this.timeout(60000);
  let t: TestHost;
  let call: Api;
  let printer: PrinterService;
  let rec: ReturnType<typeof recordEvents>;

  before(async () => {
    t = await startApiHost({ config: fastSerial() });
    call = api(t);
    printer = t.get<PrinterRegistry>(PrinterRegistry).first()!.printer;
    rec = recordEvents(t);
    await printer.connect({ port: 'virtual' });
    await waitFor(() => printer.state.id === 'OPERATIONAL');
  });
  after(async () => {
    await printer?.disconnect().catch(() => undefined);
    await t?.stop();
  });

  const NAMES = ['é.gcode', '模型.gcode', 'benchy 🚢🔥 v2.gcode', 'famille 👨‍👩‍👧.gcode'];

  for (const name of NAMES) {
    it(`${name}: upload, list, download, select, print, and the events, all under the exact name`, async () => {
      rec.clear();
      const uploaded = await call('POST', '/api/files/local', { body: uploadForm(name, SMALL_GCODE) });
      expect(uploaded.status, JSON.stringify(uploaded.json)).to.equal(201);
      expect(uploaded.json.files.local).to.include({ name, path: name, display: name });
      expect(existsSync(path.join(t.basedir, 'uploads', name)), readdirSync(path.join(t.basedir, 'uploads')).join(', ')).to.equal(true);
      await rec.idle();
      expect(rec.named('Upload')[0]!.payload).to.include({ name, path: name });
      expect(rec.named('FileAdded')[0]!.payload).to.include({ name, path: name });

      const listing = await call('GET', '/api/files/local');
      expect(listing.json.files.map((f: { name: string }) => f.name)).to.include(name);
      const one = await call('GET', `/api/files/local/${encodeURIComponent(name)}`);
      expect(one.status).to.equal(200);
      expect(one.json).to.include({ name, path: name });

      const download = await fetch(`${t.baseUrl}/downloads/files/local/${encodeURIComponent(name)}`, { headers: keyHeaders(t.apiKey) });
      expect(download.status).to.equal(200);
      expect(await download.text()).to.equal(SMALL_GCODE);
      expect(dispositionName(download.headers.get('content-disposition') ?? '')).to.equal(name);

      rec.clear();
      // the previous name's print may still be finishing
      await waitFor(() => printer.state.id === 'OPERATIONAL');
      const select = await call('POST', `/api/files/local/${encodeURIComponent(name)}`, { body: { command: 'select', print: true } });
      expect(select.status, JSON.stringify(select.json)).to.equal(204);
      await waitFor(() => rec.named('PrintDone').length > 0, 20000);
      for (const event of ['FileSelected', 'PrintStarted', 'PrintDone']) {
        expect(rec.named(event)[0]!.payload, event).to.include({ name, path: name, origin: 'local' });
      }
      const job = await call('GET', '/api/job');
      expect(job.json.job.file).to.include({ name, path: name });
    });
  }

  it("reads RFC 5987 filename* (and prefers it over the plain filename)", async () => {
    rec.clear();
    const res = await rawUpload(call, `filename="fallback.gcode"; filename*=UTF-8''%E6%A8%A1%E5%9E%8B%20%C3%A9.gcode`);
    expect(res.status, JSON.stringify(res.json)).to.equal(201);
    expect(res.json.files.local).to.include({ name: '模型 é.gcode', path: '模型 é.gcode' });
    expect((await call('GET', '/api/files/local/fallback.gcode')).status).to.equal(404);
    await rec.idle();
    expect(rec.named('Upload')[0]!.payload).to.include({ name: '模型 é.gcode' });
  });

  it('stores a raw UTF-8 name byte for byte, into a folder given by a UTF-8 path field', async () => {
    const form = new FormData();
    form.append('foldername', 'dossier été');
    const folder = await call('POST', '/api/files/local', { body: form });
    expect(folder.status).to.equal(201);
    const res = await rawUpload(call, 'filename="pièce.gcode"', [{ name: 'path', value: 'dossier été' }]);
    expect(res.status, JSON.stringify(res.json)).to.equal(201);
    expect(res.json.files.local).to.include({ name: 'pièce.gcode', path: 'dossier été/pièce.gcode' });
    expect(existsSync(path.join(t.basedir, 'uploads', 'dossier été', 'pièce.gcode'))).to.equal(true);
  });

  it('refuses hostile names however they are encoded, and leaves nothing behind', async () => {
    // a file's analysis may be saving its metadata at any moment: that temporary file is not a leftover
    const listed = () => readdirSync(path.join(t.basedir, 'uploads')).filter((n) => !/^\.+metadata\.json\.\d+\.\w+\.tmp$/.test(n));
    const before = listed().sort();
    const hostile: [string, number][] = [
      [`filename*=UTF-8''..%2F..%2Fescape.gcode`, 400],
      [`filename*=UTF-8''%2Fetc%2Fabsolute.gcode`, 400],
      [`filename*=UTF-8''nul%00byte.gcode`, 400],
      [`filename*=UTF-8''new%0Aline.gcode`, 400],
      [`filename*=UTF-8''%C2%85next-line.gcode`, 400],
      [`filename*=UTF-8''%E2%80%A8separator.gcode`, 400],
      [`filename*=UTF-8''.hidden.gcode`, 400],
      [`filename*=UTF-8''back%5Cslash.gcode`, 400],
      [`filename*=UTF-8''%E6%A8%A1%E5%9E%8B.exe`, 415],
      // latin1 bytes that are not UTF-8: refused, not stored as U+FFFD
      [`filename*=ISO-8859-1''caf%E9.gcode`, 201],
    ];
    for (const [params, status] of hostile) {
      const res = await rawUpload(call, params);
      expect(res.status, `${params}: ${JSON.stringify(res.json)}`).to.equal(status);
    }
    // a declared latin1 charset is honoured (RFC 5987), so that one is café.gcode
    expect((await call('GET', `/api/files/local/${encodeURIComponent('café.gcode')}`)).status).to.equal(200);
    const raw = Buffer.concat([
      Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="caf`),
      Buffer.from([0xe9]),
      Buffer.from(`.gcode"\r\n\r\n${SMALL_GCODE}\r\n--${BOUNDARY}--\r\n`),
    ]);
    const notUtf8 = await call('POST', '/api/files/local', { body: raw, headers: { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}` } });
    expect(notUtf8.status).to.equal(400);
    expect(notUtf8.json.error).to.contain('UTF-8');
    const after = listed().filter((n) => n !== 'café.gcode').sort();
    expect(after).to.deep.equal(before);
  });
});
