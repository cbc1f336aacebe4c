/**
 * The engine.io/ws internals behind the push fast path (core/push/transports/wire-internals.ts):
 * the installed versions are the verified ones and a frame is built byte for byte (this fails when
 * a dependency update changes them: verify the internals again, then the pins), and every
 * transport delivers the same messages with the internals on and off.
 */
import { expect } from 'chai';
import { EventBus } from '../../core/events/event-bus.js';
import { checkWireInternals, VERIFIED_VERSIONS, wireInternalsEnabled } from '../../core/push/transports/wire-internals.js';
import { startTestHost, type TestHost } from '../support/host.js';
import { openPushClient, type TestPushClient } from '../clients/push-clients.js';
import { pushClient, type RecordingClient } from './support.js';
import { jsonHeaders } from '../support/http.js';
import { waitFor } from '../support/wait.js';

const PKG = require('../../../package.json') as { dependencies: Record<string, string> };

describe('push wire internals', () => {
  it('are the verified versions, pinned exactly, and frame as RFC 6455 says', () => {
    expect(checkWireInternals()).to.equal(null);
    expect(PKG.dependencies['ws']).to.equal(VERIFIED_VERSIONS.ws);
    expect(PKG.dependencies['engine.io']).to.equal(VERIFIED_VERSIONS['engine.io']);
  });

  for (const wireInternals of [true, false]) {
    describe(`push.wireInternals: ${wireInternals}`, () => {
      let t: TestHost;
      const clients: (RecordingClient | TestPushClient)[] = [];
      before(async () => (t = await startTestHost({ config: { push: { wireInternals } } })));
      after(async () => {
        for (const c of clients) c.close();
        await t?.stop();
      });

      it(`${wireInternals ? 'uses' : 'does not use'} the internals, and socket.io, SockJS and raw websocket clients get the same event`, async () => {
        expect(wireInternalsEnabled()).to.equal(wireInternals);
        const io = pushClient(t.baseUrl, { apikey: t.apiKey });
        const framed = await openPushClient(t.baseUrl, 'framed-ws');
        const raw = await openPushClient(t.baseUrl, 'raw');
        clients.push(io, framed, raw);
        const login = await fetch(`${t.baseUrl}/api/login`, {
          method: 'POST',
          headers: jsonHeaders(t.apiKey),
          body: JSON.stringify({ passive: true }),
        });
        const session = (await login.json()) as { name: string; session: string };
        for (const c of [framed, raw]) c.send({ auth: `${session.name}:${session.session}` });
        await waitFor(() => io.of('history').length === 1, 5000, 'socket.io history');
        await framed.next('history');
        await raw.next('history');
        const payload = { old: 1, new: 2 };
        t.get<EventBus>(EventBus).fire('ToolChange', payload);
        await waitFor(() => io.of('event').some((e) => e['type'] === 'ToolChange'), 5000, 'socket.io event');
        const viaIo = io.of('event').find((e) => e['type'] === 'ToolChange')!;
        expect(viaIo['payload']).to.deep.equal(payload);
        for (const c of [framed, raw]) {
          const seen = await c.next('event');
          expect((seen.data as { type: string; payload: object }).payload).to.deep.equal(payload);
        }
      });
    });
  }
});
