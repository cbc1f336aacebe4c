/** A client that stops reading costs only itself: others keep receiving; it later catches up losslessly. */
import { expect } from 'chai';
import { EventBus } from '../../core/events/event-bus.js';
import { startTestHost, type TestHost } from '../support/host.js';
import { pushClient } from './support.js';
import { waitFor } from '../support/wait.js';

describe('push to a slow client', function () {
  this.timeout(60000);
  let t: TestHost;
  before(async () => {
    t = await startTestHost({
      config: { push: { rateHz: 20, clientQueueLimit: 100, sendWindow: 32 }, events: { historySize: 5000, subscriberQueueLimit: 100000 } },
    });
  });
  after(async () => t?.stop());

  it('keeps others at full speed while one client does not read, then catches it up with nothing lost', async () => {
    const bus = t.get<EventBus>(EventBus);
    const fast = pushClient(t.baseUrl, { apikey: t.apiKey });
    const slow = pushClient(t.baseUrl, { apikey: t.apiKey });
    await waitFor(() => fast.of('history').length === 1 && slow.of('history').length === 1);
    // stop reading on the slow client's TCP socket: the server's writes back up in the kernel buffers
    const ws = (slow.socket.io.engine as unknown as { transport: { ws: { _socket: { pause(): void; resume(): void } } } }).transport.ws;
    ws._socket.pause();
    const first = bus.lastSeq + 1;
    const blob = 'x'.repeat(8000);
    const total = 3000;
    for (let i = 0; i < total; i++) {
      bus.fire('Error', { error: `${i} ${blob}` });
      if (i % 200 === 199) await new Promise((resolve) => setImmediate(resolve));
    }
    const last = first + total - 1;
    await waitFor(() => fast.seqs().at(-1) === last, 30000, 'fast client to receive everything');
    expect(slow.seqs().at(-1) ?? 0).to.be.lessThan(last);
    expect(fast.seqs().filter((s) => s >= first)).to.have.length(total);
    expect(t.logs.some((l) => /too slow for the stream/.test(l.msg))).to.equal(true);

    ws._socket.resume();
    await waitFor(() => slow.seqs().at(-1) === last, 30000, 'slow client to catch up');
    const seqs = slow.seqs().filter((s) => s >= first);
    expect(seqs).to.deep.equal(Array.from({ length: total }, (_, i) => first + i));
    expect(slow.of('gap')).to.deep.equal([]);
    fast.close();
    slow.close();
  });
});
