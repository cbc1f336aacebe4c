/**
 * The SockJS protocol layer alone (no hub): frames as objects in `a[...]`, xhr polling and
 * xhr_send, a second receiver refused with 2010, unknown sessions, oversized xhr_send, and a
 * session closed after its disconnect delay.
 */
import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SockJsFrame, type SockJsConnection } from '../../core/push/transports/sockjs-protocol.js';
import { SockJsServer } from '../../core/push/transports/sockjs-server.js';
import { waitFor } from '../support/wait.js';

describe('clients: SockJS protocol', () => {
  let server: http.Server;
  let sockjs: SockJsServer;
  let base: string;
  const connections: SockJsConnection[] = [];
  const received: string[] = [];
  let cors = false;
  /** requests the server has taken (a receiver attaches while its request is handled) */
  let handled = 0;

  before(async () => {
    sockjs = new SockJsServer({ prefix: '/sockjs', heartbeatMs: 60_000, disconnectDelayMs: 300, responseLimit: 4096, maxMessageBytes: 1024, cors: () => cors }, (conn) => {
      connections.push(conn);
      conn.onMessage((text) => received.push(text));
    });
    server = http
      .createServer((req, res) => {
        sockjs.handleRequest(req, res);
        handled++;
      })
      .listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sockjs`;
  });
  after(() => {
    sockjs.close();
    server.close();
  });

  const post = (path: string, body?: string) => fetch(`${base}${path}`, { method: 'POST', body });

  it('opens with o, carries messages as objects, takes xhr_send and closes idle sessions', async () => {
    expect(await (await post('/1/aaa/xhr')).text()).to.equal('o\n');
    const conn = connections.at(-1)!;
    conn.send([new SockJsFrame(JSON.stringify({ current: { n: 1 } })), new SockJsFrame(JSON.stringify({ event: { type: 'X' } }))]);
    const frame = await (await post('/1/aaa/xhr')).text();
    expect(frame).to.equal('a[{"current":{"n":1}},{"event":{"type":"X"}}]\n');
    expect(JSON.parse(frame.slice(1))[0]).to.be.an('object');
    expect((await post('/1/aaa/xhr_send', JSON.stringify(['{"auth":"a:b"}', '{"throttle":2}']))).status).to.equal(204);
    expect(received.slice(-2)).to.deep.equal(['{"auth":"a:b"}', '{"throttle":2}']);
    let closed = false;
    conn.onClose(() => (closed = true));
    // no receiver for disconnectDelayMs (300): the session closes
    await waitFor(() => closed, 5000, 'the idle session to close');
    expect(await (await post('/1/aaa/xhr')).text()).to.equal('c[3000,"Go away!"]\n');
  });

  it('refuses a second receiver, unknown sessions and oversized messages', async () => {
    expect(await (await post('/1/bbb/xhr')).text()).to.equal('o\n');
    const taken = handled;
    const first = post('/1/bbb/xhr');
    await waitFor(() => handled > taken, 5000, 'the first receiver to attach');
    expect(await (await post('/1/bbb/xhr')).text()).to.equal('c[2010,"Another connection still open"]\n');
    connections.at(-1)!.send([new SockJsFrame('{"x":1}')]);
    expect(await (await first).text()).to.equal('a[{"x":1}]\n');
    expect((await post('/1/nope/xhr_send', '["x"]')).status).to.equal(404);
    expect((await post('/1/bbb/xhr_send', JSON.stringify(['y'.repeat(5000)]))).status).to.equal(413);
  });

  it('answers the info endpoint, with CORS headers only when CORS is on', async () => {
    const r = await fetch(`${base}/info`, { headers: { Origin: 'http://elsewhere.example' } });
    expect(((await r.json()) as { websocket: boolean }).websocket).to.equal(true);
    expect(r.headers.get('access-control-allow-origin')).to.equal(null);
    cors = true;
    const allowed = await fetch(`${base}/info`, { headers: { Origin: 'http://elsewhere.example' } });
    expect(allowed.headers.get('access-control-allow-origin')).to.equal('http://elsewhere.example');
    cors = false;
  });

  it('speaks jsonp: callback checked, frames as script calls, jsonp_send from a form', async () => {
    expect((await fetch(`${base}/1/ddd/jsonp`)).status).to.equal(500);
    expect((await fetch(`${base}/1/ddd/jsonp?c=alert(1)`)).status).to.equal(500);
    expect(await (await fetch(`${base}/1/ddd/jsonp?c=_jp.a1`)).text()).to.equal('/**/_jp.a1("o");\r\n');
    const sent = await fetch(`${base}/1/ddd/jsonp_send`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `d=${encodeURIComponent('["hello"]')}` });
    expect(await sent.text()).to.equal('ok');
    expect(received.at(-1)).to.equal('hello');
    connections.at(-1)!.send([new SockJsFrame('{"x":2}')]);
    expect(await (await fetch(`${base}/1/ddd/jsonp?c=_jp.a1`)).text()).to.equal('/**/_jp.a1("a[{\\"x\\":2}]");\r\n');
  });

  it('reports garbled frames without closing', async () => {
    await post('/1/ccc/xhr');
    const conn = connections.at(-1)!;
    const garbled: string[] = [];
    conn.onGarbled((t) => garbled.push(t));
    expect((await post('/1/ccc/xhr_send', '[not json')).status).to.equal(204);
    expect(garbled).to.deep.equal(['[not json']);
    expect((await post('/1/ccc/xhr_send', '["ok"]')).status).to.equal(204);
    expect(received.at(-1)).to.equal('ok');
  });
});
