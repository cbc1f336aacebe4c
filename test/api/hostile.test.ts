/**
 * Hostile names and paths through every way a user names a file (upload file name, upload `path`,
 * folder creation, copy/move destination, URL path), each refused with a JSON 4xx and nothing
 * written outside the storage; the size limit answers 413 and leaves no partial file.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { TestHost } from '../support/host.js';
import { api, multipart, SMALL_GCODE, startApiHost, uploadForm, type Api } from './support.js';
import { keyHeaders } from '../support/http.js';
import { waitFor } from '../support/wait.js';

/** Each must be refused as a folder path (the `path` field, a folder name or a destination). */
const HOSTILE_PATHS = [
  '..',
  '../',
  '../..',
  '../../etc',
  'a/../../b',
  'a/../..',
  '/etc',
  '/tmp/evil',
  '//server/share',
  'C:\\Windows',
  'C:/Windows',
  '..\\..\\evil',
  'a\\b',
  '.',
  './.',
  '.hidden',
  'a/.tmp',
  '.tmp',
  'a\u0000b',
  'a\nb',
  'a\rb',
  'a\tb',
  '\u001b[31mred',
  'del\u007f',
  'x'.repeat(300),
  'a/'.repeat(600),
  'a:b',
  'a*b',
  'a?b',
  'a"b',
  'a<b',
  'a>b',
  'a|b',
  ' lead',
  'trail ',
  'line\u2028sep',
  'escape', // a symbolic link to a folder outside the storage (created in before())
];

/** Each must be refused as an uploaded file's name. */
const HOSTILE_NAMES = ['../evil.gcode', '../../evil.gcode', '/abs.gcode', '.metadata.gcode', 'a\\..\\evil.gcode', 'C:evil.gcode', 'x'.repeat(300) + '.gcode'];

describe('hostile paths and upload limits', function () {
  let t: TestHost;
  let call: Api;
  let outside: string;
  let uploads: string;

  before(async () => {
    t = await startApiHost({ config: { files: { maxUploadBytes: 64 * 1024 } } });
    call = api(t);
    uploads = path.join(t.basedir, 'uploads');
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'cuttle-outside-'));
    fs.symlinkSync(outside, path.join(uploads, 'escape'));
    expect((await call('POST', '/api/files/local', { body: uploadForm('ok.gcode', SMALL_GCODE) })).status).to.equal(201);
  });
  after(async () => {
    await t?.stop();
    fs.rmSync(outside, { recursive: true, force: true });
  });

  function snapshotTree(): string[] {
    const out: string[] = [];
    const walk = (dir: string, rel: string) => {
      for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
        const r = rel ? `${rel}/${d.name}` : d.name;
        out.push(r);
        if (d.isDirectory() && !d.isSymbolicLink()) walk(path.join(dir, d.name), r);
      }
    };
    walk(t.basedir, '');
    return out.filter((p) => !p.startsWith('logs') && !p.endsWith('.tmp') && !p.includes('.metadata.json')).sort();
  }

  it(`refuses ${HOSTILE_PATHS.length} hostile folder paths in every place a path is accepted`, async () => {
    expect(HOSTILE_PATHS.length).to.be.at.least(30);
    const before = snapshotTree();
    for (const bad of HOSTILE_PATHS) {
      const label = JSON.stringify(bad);
      const upload = await call('POST', '/api/files/local', { body: uploadForm('evil.gcode', 'G1 X1', { path: bad }) });
      expect(upload.status, `upload path=${label}`).to.equal(400);
      expect(upload.json.error, label).to.be.a('string');
      const folderForm = new FormData();
      folderForm.append('foldername', bad);
      const folder = await call('POST', '/api/files/local', { body: folderForm });
      expect(folder.status, `foldername=${label}`).to.be.oneOf([400, 409]);
      for (const command of ['copy', 'move']) {
        const res = await call('POST', '/api/files/local/ok.gcode', { body: { command, destination: bad === 'escape' ? 'escape/x.gcode' : `${bad}/x.gcode` } });
        expect(res.status, `${command} destination=${label}`).to.be.within(400, 415);
      }
    }
    expect(snapshotTree()).to.deep.equal(before);
    expect(fs.readdirSync(outside)).to.deep.equal([]);
    expect(fs.readdirSync(path.join(uploads, '.tmp'))).to.deep.equal([]);
    expect((await call('GET', '/api/files/local/ok.gcode')).status).to.equal(200);
  });

  it('refuses hostile upload file names (sent raw, as a client could) and hostile URL paths', async () => {
    const before = snapshotTree();
    for (const name of HOSTILE_NAMES) {
      const boundary = 'xYzBoundary1234';
      const body = multipart(boundary, [{ name: 'file', filename: name, value: 'G1 X1\n', type: 'application/octet-stream' }]);
      const res = await call('POST', '/api/files/local', { body, headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` } });
      expect(res.status, `filename=${JSON.stringify(name)}`).to.equal(400);
    }
    for (const url of ['/api/files/local/..%2f..%2fetc%2fpasswd', '/api/files/local/%2e%2e/%2e%2e/x.gcode', '/downloads/files/local/..%2fconfig.yaml', '/downloads/files/local/escape/x.gcode', '/api/files/local/a%00b.gcode']) {
      for (const method of ['GET', 'DELETE']) {
        const res = await call(method, url);
        expect(res.status, `${method} ${url}`).to.be.oneOf([400, 404]);
        expect(JSON.stringify(res.json)).not.to.include('api:');
      }
    }
    expect(snapshotTree()).to.deep.equal(before);
  });

  it('answers 413 over the size limit and leaves no partial file', async () => {
    const big = 'G1 X1 Y1 E1\n'.repeat(10000);
    const res = await call('POST', '/api/files/local', { body: uploadForm('big.gcode', big) });
    expect(res.status).to.equal(413);
    expect(res.json.error).to.match(/limit/);
    expect(fs.existsSync(path.join(uploads, 'big.gcode'))).to.equal(false);
    expect(fs.readdirSync(path.join(uploads, '.tmp'))).to.deep.equal([]);
    expect((await call('GET', '/api/files/local/big.gcode')).status).to.equal(404);
  });

  it('removes the temporary file of an upload whose target turns out invalid', async () => {
    // `path` after the file part: only known once the file is received
    const boundary = 'late-path';
    const body = multipart(boundary, [
      { name: 'file', filename: 'late.gcode', value: SMALL_GCODE },
      { name: 'path', value: '../outside' },
    ]);
    const res = await call('POST', '/api/files/local', { body, headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` } });
    expect(res.status).to.equal(400);
    expect(fs.readdirSync(path.join(uploads, '.tmp'))).to.deep.equal([]);
    expect(fs.existsSync(path.join(t.basedir, 'outside'))).to.equal(false);
  });
});

describe('interrupted and malformed uploads', function () {
  let t: TestHost;
  let call: Api;

  before(async () => {
    t = await startApiHost();
    call = api(t);
  });
  after(async () => t?.stop());

  it('removes the temporary file when the client goes away mid-upload', async () => {
    const boundary = 'gone-away';
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="half.gcode"\r\n\r\n`);
    const url = new URL(`${t.baseUrl}/api/files/local`);
    await new Promise<void>((resolve) => {
      const req = http.request(url, {
        method: 'POST',
        headers: keyHeaders(t.apiKey, { 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': '10000000' }),
      });
      req.on('error', () => resolve());
      req.write(head);
      req.write(Buffer.alloc(200000, 'G1 X1\n'));
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 200);
    });
    const tmp = path.join(t.basedir, 'uploads', '.tmp');
    await waitFor(() => fs.readdirSync(tmp).length === 0);
    expect(fs.existsSync(path.join(t.basedir, 'uploads', 'half.gcode'))).to.equal(false);
    // the server is still answering
    expect((await call('GET', '/api/files/local')).status).to.equal(200);
  });

  it('answers 400 to a truncated multipart body and keeps nothing', async () => {
    const boundary = 'cut-short';
    const body = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="cut.gcode"\r\n\r\nG1 X1\nG1 X2`);
    const res = await call('POST', '/api/files/local', { body, headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` } });
    expect(res.status).to.equal(400);
    expect(fs.readdirSync(path.join(t.basedir, 'uploads', '.tmp'))).to.deep.equal([]);
    expect((await call('GET', '/api/files/local/cut.gcode')).status).to.equal(404);
  });
});
