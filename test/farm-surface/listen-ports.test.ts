/**
 * Printers' own ports follow the registry: a port in use at start is logged with the printer's id
 * and reported while the host and the other printers' ports go on; a printer added at run time with
 * `listen` is served there, a changed `listen` moves it, a removed printer's port is closed with its
 * connections, websockets included. Websocket upgrades on a printer's port reach the main server
 * as `/printer/<id>/…`, whatever slashes the client doubled.
 */
import { expect } from 'chai';
import http from 'node:http';
import net from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { HttpServer } from '../../core/http/http-server.js';
import { PrinterListeners } from '../../core/printers/printer-listeners.js';
import { freePort } from '../support/free-port.js';
import { startFarmHost, type FarmHost } from './support.js';
import { keyHeaders } from '../support/http.js';
import { waitFor } from '../support/wait.js';
import { pushClient } from '../push/support.js';

describe('farm surface: printers’ own listen ports', function () {
  this.timeout(30_000);
  let farm: FarmHost;
  let blocker: net.Server;
  let busyPort: number;
  let p2Port: number;

  /** GET /api/job on a printer's port: the printer's state text, or the error code when nothing listens */
  async function jobState(port: number): Promise<string> {
    // a new connection each time (agent: false): a kept-alive one from an earlier call would meet the
    // closed port as a reset socket rather than as a refused connection
    return new Promise<string>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/api/job', agent: false, headers: keyHeaders(farm.t.apiKey) }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve((JSON.parse(body) as { state: string }).state));
        res.on('error', (err: NodeJS.ErrnoException) => resolve(String(err.code ?? err)));
      });
      req.on('error', (err: NodeJS.ErrnoException) => resolve(String(err.code ?? err)));
    });
  }

  before(async () => {
    busyPort = await freePort();
    blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(busyPort, '127.0.0.1', resolve));
    p2Port = await freePort();
    farm = await startFarmHost([{ id: 'p1', listen: busyPort }, { id: 'p2', listen: p2Port }]);
  });
  after(async () => {
    await farm?.stop();
    await new Promise((resolve) => blocker?.close(resolve));
  });

  it('logs and reports a port in use with the printer’s id, and serves the others', async () => {
    const line = farm.t.logs.find((l) => l.printer === 'p1' && l.port === busyPort && l.level >= 50);
    expect(line, 'an error line naming p1 and its port').to.not.equal(undefined);
    expect(line!.msg).to.match(new RegExp(`"p1".*${busyPort}.*already in use`));
    const listeners = farm.t.get<PrinterListeners>(PrinterListeners);
    expect(listeners.problems()).to.deep.equal([{ printer: 'p1', port: busyPort, error: `port ${busyPort} is already in use` }]);
    expect(listeners.portOf('p1')).to.equal(undefined);
    expect(listeners.portOf('p2')).to.equal(p2Port);
    expect(await jobState(p2Port)).to.equal('Offline');
    // the main port is unaffected
    expect((await fetch(`${farm.t.baseUrl}/api/version`, { headers: keyHeaders(farm.t.apiKey) })).status).to.equal(200);
  });

  it('shows in /api/printers why a printer\'s listen port is not served', async () => {
    const listed = (await (await fetch(`${farm.t.baseUrl}/api/printers`, { headers: keyHeaders(farm.t.apiKey) })).json()) as { printers: { id: string; listen: number; listenError: string | null }[] };
    expect(listed.printers.map(({ id, listen, listenError }) => ({ id, listen, listenError }))).to.deep.equal([
      { id: 'p1', listen: busyPort, listenError: `port ${busyPort} is already in use` },
      { id: 'p2', listen: p2Port, listenError: null },
    ]);
    const one = (await (await fetch(`${farm.t.baseUrl}/api/printers/p1`, { headers: keyHeaders(farm.t.apiKey) })).json()) as { listenError: string | null };
    expect(one.listenError).to.equal(`port ${busyPort} is already in use`);
  });

  it('hands websocket upgrades to the main server under the printer’s prefix, doubled slashes made one', async () => {
    const main = farm.t.get<HttpServer>(HttpServer).server;
    const wss = new WebSocketServer({ noServer: true });
    const seen: string[] = [];
    const onUpgrade = (req: import('node:http').IncomingMessage, socket: import('node:stream').Duplex, head: Buffer) => {
      if (!req.url?.startsWith('/printer/p2/api/echo')) return;
      seen.push(req.url);
      wss.handleUpgrade(req, socket, head, (ws) => ws.on('message', (data) => ws.send(`p2:${String(data)}`)));
    };
    main.on('upgrade', onUpgrade);
    try {
      for (const path of ['/api/echo', '//api/echo/websocket', '/printer/p2api/echo']) {
        const port = path.startsWith('/printer') ? farm.t.baseUrl.split(':').pop() : String(p2Port);
        const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`);
        await new Promise<void>((resolve, reject) => {
          ws.once('open', () => resolve());
          ws.once('error', reject);
        });
        ws.send('hi');
        const reply = await new Promise<string>((resolve) => ws.once('message', (d) => resolve(String(d))));
        expect(reply).to.equal('p2:hi');
        ws.close();
      }
      expect(seen).to.deep.equal(['/printer/p2/api/echo', '/printer/p2/api/echo/websocket', '/printer/p2/api/echo']);
    } finally {
      main.off('upgrade', onUpgrade);
      wss.close();
    }
  });

  it('serves socket.io at a printer’s own port as that printer’s view (no printer key, one history)', async () => {
    const c = pushClient(`http://127.0.0.1:${p2Port}`, { apikey: farm.t.apiKey });
    try {
      await waitFor(() => c.of('history').length === 1, 5000, 'p2’s history');
      expect(c.of('history')[0]).to.not.have.property('printer');
      expect(c.of('connected')).to.have.length(1);
    } finally {
      c.close();
    }
  });

  it('follows the registry: added, moved, removed (connections and websockets closed)', async () => {
    const listeners = farm.t.get<PrinterListeners>(PrinterListeners);
    const first = await freePort();
    await farm.registry.add({ id: 'p3', name: 'Third', connection: { port: 'virtual' }, listen: first });
    await waitFor(() => listeners.portOf('p3') === first);
    expect(await jobState(first)).to.equal('Offline');

    const second = await freePort();
    await farm.registry.update('p3', { listen: second });
    await waitFor(() => listeners.portOf('p3') === second);
    expect(await jobState(second)).to.equal('Offline');
    expect(await jobState(first)).to.equal('ECONNREFUSED');

    // an open websocket through p3's port, to a handler on the main server
    const main = farm.t.get<HttpServer>(HttpServer).server;
    const wss = new WebSocketServer({ noServer: true });
    const onUpgrade = (req: import('node:http').IncomingMessage, socket: import('node:stream').Duplex, head: Buffer) => {
      if (req.url === '/printer/p3/hold') wss.handleUpgrade(req, socket, head, () => undefined);
    };
    main.on('upgrade', onUpgrade);
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${second}/hold`);
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
      await farm.registry.remove('p3');
      await waitFor(() => listeners.portOf('p3') === undefined);
      await closed;
      expect(await jobState(second)).to.equal('ECONNREFUSED');
    } finally {
      main.off('upgrade', onUpgrade);
      wss.close();
    }
    // a printer without `listen` gets none; giving it one opens it
    const late = await freePort();
    await farm.registry.update('p2', { listen: late });
    await waitFor(() => listeners.portOf('p2') === late);
    expect(await jobState(p2Port)).to.equal('ECONNREFUSED');
    expect(await jobState(late)).to.equal('Offline');
  });
});
