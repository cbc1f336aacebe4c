/** /healthz and /readyz: public, 503 until settings, plugins and server are up; printers' states in the body only for a caller with a key. */
import { expect } from 'chai';
import path from 'node:path';
import { startTestHost, TEST_API_KEY, type TestHost } from '../support/host.js';
import { keyHeaders } from '../support/http.js';
import { waitFor } from '../support/wait.js';

const SLOW_PLUGIN = path.join(__dirname, '../fixtures/slow-start');
const slot = globalThis as { releaseSlowStart?: () => void; releaseSlowStop?: () => void };

async function readyStatus(url: string, want: number): Promise<number> {
  let status = 0;
  await waitFor(async () => (status = (await fetch(`${url}/readyz`)).status) === want, 4000, `/readyz ${want}`).catch(() => undefined);
  return status;
}

describe('health probes', function () {
  this.timeout(20000);
  let t: TestHost | undefined;
  beforeEach(() => {
    slot.releaseSlowStart = undefined;
    slot.releaseSlowStop = undefined;
  });
  afterEach(async () => {
    const stopping = t?.stop();
    // the fixture holds shutdown too: let it go as soon as it is reached
    const release = setInterval(() => slot.releaseSlowStop?.(), 10);
    await stopping;
    clearInterval(release);
    t = undefined;
  });

  it('/readyz answers 503 while plugins start, 200 once the host is up; /healthz 200 all along; both without a key, which learns ready or not and nothing more', async () => {
    t = await startTestHost({ config: { plugins: { paths: [SLOW_PLUGIN] } }, noStart: true });
    const starting = t.host.start();
    await waitFor(() => slot.releaseSlowStart !== undefined, 10000, 'the slow plugin to be starting');
    const early = await fetch(`${t.baseUrl}/readyz`, { headers: keyHeaders(TEST_API_KEY) });
    expect(early.status).to.equal(503);
    expect(await early.json()).to.deep.include({ ready: false, phase: 'starting' });
    const earlyOpen = await fetch(`${t.baseUrl}/readyz`);
    expect(earlyOpen.status).to.equal(503);
    expect(await earlyOpen.json(), 'without a key: not ready, nothing more').to.deep.equal({ ready: false });
    const alive = await fetch(`${t.baseUrl}/healthz`);
    expect(alive.status).to.equal(200);
    expect(await alive.json()).to.deep.equal({ status: 'ok' });

    slot.releaseSlowStart!();
    await starting;
    expect(await readyStatus(t.baseUrl, 200)).to.equal(200);
    expect(await (await fetch(`${t.baseUrl}/readyz`)).json(), 'without a key: ready, nothing more').to.deep.equal({ ready: true });
    const body = (await (await fetch(`${t.baseUrl}/readyz`, { headers: keyHeaders(TEST_API_KEY) })).json()) as { ready: boolean; phase: string; printers: Record<string, { state: string; text: string }> };
    expect(body.ready).to.equal(true);
    expect(body.phase).to.equal('ready');
    expect(body.printers).to.have.keys('default');
    expect(body.printers['default']!.state).to.be.a('string');
  });

  it('holds every other request until the plugins have started, then answers it', async () => {
    t = await startTestHost({ config: { plugins: { paths: [SLOW_PLUGIN] } }, noStart: true });
    const starting = t.host.start();
    await waitFor(() => slot.releaseSlowStart !== undefined, 10000, 'the slow plugin to be starting');
    let answeredAt: 'before' | 'after' | undefined;
    let released = false;
    const version = fetch(`${t.baseUrl}/api/version`, { headers: { 'X-Api-Key': t.apiKey } }).then((res) => {
      answeredAt = released ? 'after' : 'before';
      return res;
    });
    // the probe passes the gate and says "starting" while the request above waits behind it
    expect((await fetch(`${t.baseUrl}/readyz`)).status).to.equal(503);
    expect(answeredAt).to.equal(undefined);
    released = true;
    slot.releaseSlowStart!();
    await starting;
    expect((await version).status).to.equal(200);
    expect(answeredAt).to.equal('after');
  });

  it('/readyz answers 503 from Shutdown on, while the server still serves', async () => {
    t = await startTestHost({ config: { plugins: { paths: [SLOW_PLUGIN] } }, noStart: true });
    const starting = t.host.start();
    await waitFor(() => slot.releaseSlowStart !== undefined, 10000, 'the slow plugin to be starting');
    slot.releaseSlowStart!();
    await starting;
    expect(await readyStatus(t.baseUrl, 200)).to.equal(200);
    const stopping = t.host.stop();
    await waitFor(() => slot.releaseSlowStop !== undefined, 10000, 'the slow plugin to be stopping');
    const during = await fetch(`${t.baseUrl}/readyz`, { headers: keyHeaders(TEST_API_KEY) });
    expect(during.status).to.equal(503);
    expect(await during.json()).to.deep.include({ ready: false, phase: 'stopping' });
    expect((await fetch(`${t.baseUrl}/healthz`)).status).to.equal(200);
    slot.releaseSlowStop!();
    await stopping;
  });
});
