/**
 * sockjs-client's browser build in real headless Chromium, on a page served by the host itself:
 * passive login with a key, then the push socket over each transport a browser may fall back to
 * (websocket, xhr-streaming, xhr-polling, eventsource, htmlfile, jsonp-polling), as OctoPrint's web
 * client does it (data read as objects, `auth` after `connected`).
 */
import { expect } from 'chai';
import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { EventBus } from '../../core/events/event-bus.js';
import { HttpRoutes } from '../../core/http/routes.js';
import { startTestHost, type TestHost } from '../support/host.js';
import { needsTool } from '../support/tools.js';

const PAGE = `<!doctype html><html><head><script src="/test-clients/sockjs.min.js"></script></head><body><script>
window.runClient = async (key, transport) => {
  const login = await (await fetch('/api/login', { method: 'POST', headers: { 'X-Api-Key': key, 'Content-Type': 'application/json' }, body: '{"passive":true}' })).json();
  return new Promise((resolve) => {
    const seen = [];
    const sock = new SockJS('/sockjs', undefined, { transports: [transport] });
    sock.onmessage = (e) => {
      // what OctoPrint's client does: iterate the object's keys
      for (const type of Object.keys(e.data)) {
        seen.push({ type, dataType: typeof e.data, eventType: type === 'event' ? e.data.event.type : undefined });
        if (type === 'connected') sock.send(JSON.stringify({ auth: login.name + ':' + login.session }));
        // done once an event and a (rate-limited) current message have both come, in either order
        const started = seen.some((s) => s.eventType === 'PrintStarted');
        if (started && seen.some((s) => s.type === 'current')) {
          const used = sock.transport;
          sock.close();
          resolve({ transport: used, seen });
        }
      }
    };
    setTimeout(() => resolve({ transport: sock.transport, seen, timedOut: true }), 8000);
  });
};
</script></body></html>`;

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('clients: sockjs-client in Chromium', function () {
  this.timeout(60_000);
  let t: TestHost;
  let browser: Browser;

  before(async function () {
    needsTool(this, 'chromium');
    t = await startTestHost();
    const bundle = fs.readFileSync(require.resolve('sockjs-client/dist/sockjs.min.js'));
    t.get<HttpRoutes>(HttpRoutes).register('test', (routes) => {
      routes.get('/test-clients/page.html', 'public', (ctx) => {
        ctx.type = 'text/html';
        ctx.body = PAGE;
      });
      routes.get('/test-clients/sockjs.min.js', 'public', (ctx) => {
        ctx.type = 'application/javascript';
        ctx.body = bundle;
      });
    });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: FLAGS });
  });
  after(async () => {
    await browser?.close();
    await t?.stop();
  });

  for (const transport of ['websocket', 'xhr-streaming', 'xhr-polling', 'eventsource', 'htmlfile', 'jsonp-polling']) {
    it(`${transport}: connected → auth → history → current → event, data as objects`, async () => {
      const page = await browser.newPage();
      await page.goto(`${t.baseUrl}/test-clients/page.html`);
      const bus = t.get<EventBus>(EventBus);
      const fire = setInterval(() => bus.fire('PrintStarted', { name: 'b.gcode', path: 'b.gcode', origin: 'local', file: 'b.gcode', filename: 'b.gcode' }), 700);
      try {
        const result = (await page.evaluate(([key, tr]) => (globalThis as unknown as { runClient(k: string, t: string): Promise<unknown> }).runClient(key!, tr!), [t.apiKey, transport])) as {
          transport: string;
          seen: { type: string; dataType: string; eventType?: string }[];
          timedOut?: boolean;
        };
        expect(result.timedOut, JSON.stringify(result.seen.map((s) => s.type))).to.equal(undefined);
        expect(result.transport).to.equal(transport);
        const types = result.seen.map((s) => s.type);
        expect(types.slice(0, 2)).to.deep.equal(['connected', 'history']);
        expect(types).to.include('current');
        expect(result.seen.every((s) => s.dataType === 'object')).to.equal(true);
      } finally {
        clearInterval(fire);
        await page.close();
      }
    });
  }
});
