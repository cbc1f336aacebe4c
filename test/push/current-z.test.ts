/**
 * The push state's currentZ (what the status page shows as Z) follows the print: for a local print
 * the host's own tracker, for an SD print the Z replayed from the card file's local copy, which
 * stayed at null (or at 0 after G28) before.
 */
import { expect } from 'chai';
import { PrinterService } from '../../core/printer/printer-service.js';
import { api } from '../api/support.js';
import { fastSerial } from '../printer/helpers.js';
import type { TestHost } from '../support/host.js';
import { pushClient, startConnectedHost, type ConnectedHost } from './support.js';
import { waitFor } from '../support/wait.js';

// six layers of 20 moves; a dwell after each layer change (300 ms at speedFactor 20) keeps every layer on
// screen for a few push ticks at 10 Hz (also on the card, where moves take no time)
const LAYERS = ['G28', 'G90', 'M82', ...Array.from({ length: 120 }, (_, i) => [`G1 X${(i * 5) % 100} Y${(i * 7) % 100} Z${(0.2 + Math.floor(i / 20) * 0.2).toFixed(1)} E${i / 2} F3000`, ...(i % 20 === 0 ? ['G4 P6000'] : [])]).flat(), ''].join('\n');

describe('currentZ in the push state', function () {
  this.timeout(30000);
  let host: ConnectedHost;
  let t: TestHost;
  let printer: PrinterService;

  before(async () => {
    host = await startConnectedHost({ ...fastSerial({ motion: true, speedFactor: 20 }, { sdStatusInterval: 0.1 }), push: { rateHz: 10 } });
    ({ t, printer } = host);
  });
  after(async () => host?.stop());

  for (const storage of ['local', 'sdcard'] as const) {
    it(`rises with the layers of a ${storage} print`, async () => {
      const client = pushClient(t.baseUrl, { apikey: t.apiKey });
      try {
        const form = new FormData();
        form.append('file', new Blob([LAYERS]), `layers-${storage}.gcode`);
        form.append('print', 'true');
        expect((await api(t)('POST', `/api/files/${storage}`, { body: form })).status).to.equal(201);
        const printingZ = () =>
          client
            .of('current')
            .filter((m) => (m['state'] as { flags: { printing: boolean } }).flags.printing)
            .map((m) => m['currentZ'] as number | null);
        await waitFor(() => printingZ().length > 0, 10000, `the ${storage} print to start`);
        await waitFor(() => printer.state.id === 'OPERATIONAL', 20000, `the ${storage} print to end`);
        const seen = printingZ();
        // the first layer and the last one, and the ones between, while the state said Printing
        expect(seen, JSON.stringify(seen)).to.include.members([0.2, 0.6, 1.2]);
        expect(new Set(seen).size, JSON.stringify(seen)).to.be.at.least(4);
      } finally {
        client.close();
      }
    });
  }
});
