/**
 * A host killed with -9 while the printer registry saves config.yaml (a stream of POST and DELETE
 * /api/printers) leaves a config.yaml that is whole and valid: one of the lists the host went
 * through, in order, with the user's comments, and a new host starts on it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { loadSettings } from '../../core/container.js';
import { printersSettings } from '../../core/printers/settings.js';
import { spawnHost } from '../api/support.js';
import { TEST_API_KEY } from '../support/host.js';
import { configText, savedPrinters } from './support.js';
import { jsonHeaders } from '../support/http.js';
import { waitFor } from '../support/wait.js';

const CONFIG = `api:
  key: ${TEST_API_KEY}
# kept through every save
printers:
  - id: p1 # the first stays
    name: First
    connection: { port: virtual, baudrate: 115200, autoconnect: false }
    profile: _default
`;

describe('printer registry saves and kill -9', function () {
  this.timeout(90000);
  const basedirs: string[] = [];
  after(() => basedirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  for (const [killAfterChanges, extraMs] of [[1, 0], [6, 3], [14, 11]] as const) {
    it(`leaves a valid config.yaml when killed ${extraMs} ms after the ${killAfterChanges}th change of a stream of adds and removals`, async () => {
      const basedir = mkdtempSync(path.join(os.tmpdir(), 'cuttle-printers-kill-'));
      basedirs.push(basedir);
      writeFileSync(path.join(basedir, 'config.yaml'), CONFIG);
      const host = await spawnHost(basedir);
      const headers = jsonHeaders(TEST_API_KEY);
      let answered = 0;
      const stream = (async () => {
        for (let i = 0; ; i++) {
          const id = `n${i}`;
          const added = await fetch(`${host.baseUrl}/api/printers`, { method: 'POST', headers, body: JSON.stringify({ id, name: `Printer ${i}` }) });
          if (added.status !== 201) throw new Error(`POST answered ${added.status}`);
          answered++;
          if (i % 3 !== 2) {
            const removed = await fetch(`${host.baseUrl}/api/printers/${id}`, { method: 'DELETE', headers });
            if (removed.status !== 204) throw new Error(`DELETE answered ${removed.status}`);
            answered++;
          }
        }
      })().catch(() => undefined); // ends when the host dies
      await waitFor(() => answered >= killAfterChanges, 30000);
      // the kill lands extraMs into the next change (its save under way, or not yet)
      await new Promise((resolve) => setTimeout(() => resolve(host.stop('SIGKILL')), extraMs));
      await stream;
      expect(answered, 'changes made before the kill').to.be.greaterThan(0);

      const saved = savedPrinters(basedir); // parses and passes the schema's check
      expect(saved[0]).to.deep.equal({ id: 'p1', name: 'First', connection: { port: 'virtual', baudrate: 115200, autoconnect: false }, profile: '_default' });
      // only the kept ones (every third) and at most the one in flight, in the order they were added
      const added = saved.slice(1).map((p) => Number(p.id.slice(1)));
      expect(added).to.deep.equal([...added].sort((a, b) => a - b));
      expect(added.slice(0, -1).every((n) => n % 3 === 2)).to.equal(true);
      expect(configText(basedir)).to.include('# kept through every save').and.include('# the first stays');
      const settings = loadSettings({ basedir, env: {} });
      expect(settings.of(printersSettings).get().length).to.equal(saved.length);
      await settings.sweepTemporaries();
    });
  }
});
