/**
 * Each printer has its own SD card: a file on p2's card selected for printing is looked up on p2's
 * card by everything that describes p2's job (`/printer/p2/api/job`, `GET /api/printers`, p2's push
 * socket), never by listing the root printer's card (an M20 sent to p1 in the middle of its stream).
 */
import { expect } from 'chai';
import { openPushClient } from '../clients/push-clients.js';
import { OctoPrintClient } from './octoprint-client.js';
import { gcodeFile, startFarmHost, waitForState, type FarmHost } from './support.js';
import { waitFor } from '../support/wait.js';

describe('farm surface: one SD card per printer', function () {
  this.timeout(30_000);
  let farm: FarmHost;

  before(async () => {
    farm = await startFarmHost([{ id: 'p1' }, { id: 'p2' }], { push: { rateHz: 10 } });
    for (const id of ['p1', 'p2']) await farm.printer(id).connect();
    for (const id of ['p1', 'p2']) await waitForState(farm.printer(id), 'OPERATIONAL');
  });
  after(() => farm?.stop());

  it("describes p2's SD job from p2's card without asking p1's", async () => {
    const p2 = new OctoPrintClient({ baseurl: `${farm.t.baseUrl}/printer/p2/`, apikey: farm.t.apiKey });
    const root = new OctoPrintClient({ baseurl: farm.t.baseUrl, apikey: farm.t.apiKey });
    expect((await p2.files.upload('sdcard', gcodeFile('on the card'), 'card.gcode', { select: 'true' })).status).to.equal(201);
    expect(farm.printer('p2').snapshot().job).to.include({ origin: 'sdcard', path: 'card.gcode' });

    const p1Lists: string[] = [];
    const sub = farm.printer('p1').onLog(({ direction, line }) => {
      if (direction === 'send' && /\bM20\b/.test(line)) p1Lists.push(line);
    });
    const socket = await openPushClient(`${farm.t.baseUrl}/printer/p2`, 'sockjs-websocket');
    try {
      await socket.next('connected', 0, 10_000);
      // asked ten times, 200 ms apart, as a client polls
      let asked = 0;
      await waitFor(
        async () => {
          expect((await p2.job.get()).json.job.file).to.include({ name: 'card.gcode', origin: 'sdcard' });
          const listed = (await root.get('api/printers')).json.printers.find((p: { id: string }) => p.id === 'p2');
          expect(listed.job.file).to.include({ name: 'card.gcode', origin: 'sdcard' });
          return ++asked === 10;
        },
        { timeoutMs: 20_000, intervalMs: 200, what: 'ten polls' },
      );
      expect(p1Lists, "M20 sent to p1 for p2's job").to.deep.equal([]);
      // p1's own card is still listed on request, so the watch above could see it
      expect((await root.files.listForLocation('sdcard')).status).to.equal(200);
      expect(p1Lists.length).to.be.greaterThan(0);
    } finally {
      socket.close();
      sub.dispose();
    }
  });
});
