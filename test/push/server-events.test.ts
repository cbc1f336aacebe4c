/** ClientOpened/ClientClosed for push clients and ConnectivityChanged both ways against a real local TCP server. */
import net from 'node:net';
import { expect } from 'chai';
import { EventBus, type AnyFiredEvent } from '../../core/events/event-bus.js';
import { ConnectivityService } from '../../core/push/api.js';
import { everySeconds } from '../../core/push/connectivity.js';
import { startTestHost, type TestHost } from '../support/host.js';
import { pushClient } from './support.js';
import { waitFor } from '../support/wait.js';

function listen(server: net.Server, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  });
}

function close(server: net.Server, sockets: Set<net.Socket>): Promise<void> {
  for (const s of sockets) s.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}

function tcpServer(): { server: net.Server; sockets: Set<net.Socket> } {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return { server, sockets };
}

describe('server events', function () {
  this.timeout(30000);
  let t: TestHost | undefined;
  afterEach(async () => {
    await t?.stop();
    t = undefined;
  });

  it('turns intervals into node-cron expressions', () => {
    expect(everySeconds(1)).to.equal('* * * * * *');
    expect(everySeconds(15)).to.equal('*/15 * * * * *');
    expect(everySeconds(900)).to.equal('0 */15 * * * *');
  });

  it('fires ClientOpened and ClientClosed with the push client\'s address', async () => {
    t = await startTestHost();
    const seen: AnyFiredEvent[] = [];
    t.get<EventBus>(EventBus).onAny((e) => void (e.name.startsWith('Client') && seen.push(e)));
    const c = pushClient(t.baseUrl, { apikey: t.apiKey });
    await waitFor(() => seen.length === 1, 5000, 'ClientOpened');
    c.close();
    await waitFor(() => seen.length === 2, 5000, 'ClientClosed');
    expect(seen.map((e) => [e.name, e.payload])).to.deep.equal([
      ['ClientOpened', { remoteAddress: '127.0.0.1' }],
      ['ClientClosed', { remoteAddress: '127.0.0.1' }],
    ]);
  });

  it('fires ConnectivityChanged both ways when the checked TCP server stops and starts', async () => {
    const { server, sockets } = tcpServer();
    const port = await listen(server);
    t = await startTestHost({ config: { onlineCheck: { enabled: true, host: '127.0.0.1', port, interval: 1, timeoutMs: 500 } } });
    const changes: object[] = [];
    t.get<EventBus>(EventBus).on('ConnectivityChanged', (p) => void changes.push(p));
    // the first verdict (online) is not a change; `connected` reports it
    const c = pushClient(t.baseUrl, { apikey: t.apiKey });
    await waitFor(() => c.of('connected').length === 1);
    expect(c.of('connected')[0]!['online']).to.equal(true);
    c.close();

    await close(server, sockets);
    await waitFor(() => changes.length === 1, 5000, 'offline');
    expect(changes[0]).to.deep.equal({ old: true, new: false });

    const again = tcpServer();
    await listen(again.server, port);
    await waitFor(() => changes.length === 2, 5000, 'online again');
    expect(changes[1]).to.deep.equal({ old: false, new: true });
    await close(again.server, again.sockets);
  });

  it('starts checking when POST /api/settings turns the check on', async () => {
    const { server, sockets } = tcpServer();
    const port = await listen(server);
    try {
      t = await startTestHost({ config: { onlineCheck: { enabled: false, host: '127.0.0.1', port, interval: 1, timeoutMs: 500 } } });
      const connectivity = t.get<ConnectivityService>(ConnectivityService);
      const changes: object[] = [];
      t.get<EventBus>(EventBus).on('ConnectivityChanged', (p) => void changes.push(p));
      expect(connectivity.online, 'no check while off').to.equal(null);
      const res = await fetch(`${t.baseUrl}/api/settings`, {
        method: 'POST',
        headers: { 'X-Api-Key': t.apiKey, 'Content-Type': 'application/json' },
        body: JSON.stringify({ server: { onlineCheck: { enabled: true } } }),
      });
      expect(res.status).to.equal(200);
      await waitFor(() => connectivity.online === true, 5000, 'first check');
      // the schedule runs: the stopped server is noticed by a later check
      await close(server, sockets);
      await waitFor(() => changes.length === 1, 5000, 'offline');
      expect(changes[0]).to.deep.equal({ old: true, new: false });
    } finally {
      if (server.listening) await close(server, sockets);
    }
  });
});
