/**
 * cuttle behind nginx under a path with TLS (issue 24): nginx (Debian's package), started here on
 * a free unprivileged port with its own config, terminates TLS with a certificate openssl makes
 * here and proxies /cuttle/ to the host with the forwarded headers. An OctoPrint-style client gets
 * URLs that lead back through the proxy (and following them works); SockJS and socket.io carry `current`
 * through it, and the web app signs in and shows the printer live in Chromium. server.trustedProxies
 * lists nginx's address (127.0.0.1).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { io } from 'socket.io-client';
import { WebSocket } from 'ws';
import { type TestHost } from '../support/host.js';
import { keyHeaders } from '../support/http.js';
import { freePort } from '../support/free-port.js';
import { needsTool } from '../support/tools.js';
import { makeCertificate } from '../support/certificate.js';
import { waitFor } from '../support/wait.js';
import { startApiHost } from './support.js';
import { AuthManager } from '../../core/auth/api.js';
import { launchChromium } from '../farm-page/support.js';

function nginxConfig(dir: string, port: number, upstream: string, cert: string, key: string): string {
  return `daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port} ssl;
    ssl_certificate ${cert};
    ssl_certificate_key ${key};
    location /cuttle/ {
      proxy_pass ${upstream}/;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection "upgrade";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $host;
      proxy_set_header X-Forwarded-Port $server_port;
      proxy_set_header X-Forwarded-Prefix /cuttle;
    }
  }
}
`;
}

function request(url: string, key: string, ca: Buffer, method = 'GET'): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method, ca, headers: keyHeaders(key) }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : null }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('behind nginx under /cuttle/ with TLS', function () {
  this.timeout(60000);
  let dir: string;
  let t: TestHost;
  let nginx: ChildProcess | undefined;
  let proxy: string;
  let ca: Buffer;

  before(async function () {
    needsTool(this, 'nginx');
    needsTool(this, 'openssl');
    dir = mkdtempSync(path.join(os.tmpdir(), 'cuttle-nginx-'));
    const { cert, key } = makeCertificate(dir, 'proxy');
    ca = readFileSync(cert);
    t = await startApiHost({ config: { server: { trustedProxies: ['127.0.0.1'] }, printers: [{ id: 'p1', name: 'Proxied', connection: { port: 'virtual', autoconnect: true } }] } });
    await t.get<AuthManager>(AuthManager).users.add('ada', { password: 'correct horse battery' });
    const port = await freePort();
    writeFileSync(path.join(dir, 'nginx.conf'), nginxConfig(dir, port, t.baseUrl, cert, key));
    nginx = spawn(needsTool(this, 'nginx'), ['-c', path.join(dir, 'nginx.conf'), '-p', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
    let errors = '';
    nginx.stderr!.on('data', (d) => (errors += d));
    proxy = `https://127.0.0.1:${port}/cuttle`;
    await waitFor(
      () =>
        new Promise<boolean>((resolve) => {
          if (nginx!.exitCode !== null) throw new Error(`nginx exited: ${errors}${readFileSync(path.join(dir, 'error.log'), 'utf8')}`);
          const socket = net.connect(port, '127.0.0.1', () => {
            socket.destroy();
            resolve(true);
          });
          socket.on('error', () => resolve(false));
        }),
      { timeoutMs: 10000, what: 'nginx listening' },
    );
  });

  after(async () => {
    nginx?.kill('SIGTERM');
    if (nginx && nginx.exitCode === null) await new Promise((resolve) => nginx!.once('exit', resolve));
    await t?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("gives an OctoPrint-style client URLs that lead back through the proxy, and they work", async () => {
    const profiles = await request(`${proxy}/api/printerprofiles`, t.apiKey, ca);
    expect(profiles.status).to.equal(200);
    const resource: string = profiles.json.profiles._default.resource;
    expect(resource).to.equal(`${proxy}/api/printerprofiles/_default`);
    const followed = await request(resource, t.apiKey, ca);
    expect(followed.status).to.equal(200);
    expect(followed.json.id).to.equal('_default');
    const printers = await request(`${proxy}/api/printers`, t.apiKey, ca);
    expect(printers.json.printers[0].baseUrl).to.equal(`${proxy}/printer/${printers.json.printers[0].id}/`);
  });

  it('serves the web app under /cuttle/: signing in in Chromium shows the printer live', async function () {
    needsTool(this, 'chromium');
    const browser = await launchChromium();
    try {
      const context = await browser.newContext({ ignoreHTTPSErrors: true });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (err) => errors.push(err.message));
      await page.goto(`${proxy}/`);
      await page.fill('input[name=user]', 'ada');
      await page.fill('input[name=pass]', 'correct horse battery');
      await page.click('button[type=submit]');
      await page.waitForSelector('.conn[data-status="connected"]', { timeout: 15000 });
      await page.waitForSelector('.card[data-state="Operational"]', { timeout: 15000 });
      await page.waitForSelector('.card .temps:has-text("tool0")', { timeout: 15000 });
      expect(page.url().startsWith(`${proxy}/`)).to.equal(true);
      expect(errors).to.deep.equal([]);
    } finally {
      await browser.close();
    }
  });

  it("carries OctoPrint's SockJS socket (its raw websocket) and its current messages through the proxy", async () => {
    const login = await new Promise<{ name: string; session: string }>((resolve, reject) => {
      const req = https.request(`${proxy}/api/login`, { method: 'POST', ca, headers: keyHeaders(t.apiKey, { 'Content-Type': 'application/json' }) }, (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve(JSON.parse(text)));
      });
      req.on('error', reject);
      req.end(JSON.stringify({ passive: true }));
    });
    const ws = new WebSocket(`${proxy.replace(/^https/, 'wss')}/sockjs/websocket`, { ca });
    const seen: Record<string, unknown>[] = [];
    ws.on('message', (data) => seen.push(JSON.parse(data.toString()) as Record<string, unknown>));
    try {
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      ws.send(JSON.stringify({ auth: `${login.name}:${login.session}` }));
      await waitFor(() => seen.some((m) => 'current' in m), { timeoutMs: 15000, what: 'a current message over SockJS through nginx' });
    } finally {
      ws.close();
    }
  });

  it('carries socket.io (websocket) and its current messages through the proxy', async () => {
    const socket = io(new URL(proxy).origin, { path: '/cuttle/socket.io', transports: ['websocket'], ca: ca.toString(), auth: { apikey: t.apiKey }, reconnection: false, forceNew: true });
    const current: unknown[] = [];
    socket.on('current', (data: unknown) => current.push(data));
    try {
      await waitFor(() => current.length > 0, { timeoutMs: 15000, what: 'a current message through nginx' });
    } finally {
      socket.close();
    }
  });
});
