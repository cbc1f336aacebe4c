/**
 * What Mainsail keeps in Moonraker's database (its settings, under the `mainsail` namespace)
 * survives a host restart: the second host, on the same basedir, answers the same value on the
 * printer's listen port, and another printer still has none.
 */
import { expect } from 'chai';
import { rmSync } from 'node:fs';
import { CuttleHost } from '../../core/host.js';
import { captureLogs } from '../support/host.js';
import { RpcClient, startMoonrakerHost } from './support.js';

describe('moonraker: settings survive a host restart', function () {
  this.timeout(20_000);

  it('answers the saved namespace after a restart, per printer', async () => {
    const h = await startMoonrakerHost(['p1', 'p2']);
    const basedir = h.t.basedir;
    let second: CuttleHost | undefined;
    try {
      const rpc = await RpcClient.open(`ws://127.0.0.1:${h.ports['p1']}/websocket`, { 'X-Api-Key': h.t.apiKey });
      await rpc.result('server.database.post_item', { namespace: 'mainsail', key: 'general.printername', value: 'Left Prusa' });
      rpc.close();
      await h.t.host.stop();
      second = CuttleHost.create({ basedir, overrides: { 'server.port': 0, 'server.host': '127.0.0.1' }, env: {}, logStream: captureLogs().stream });
      await second.start();
      const again = await RpcClient.open(`ws://127.0.0.1:${h.ports['p1']}/websocket`, { 'X-Api-Key': h.t.apiKey });
      const other = await RpcClient.open(`ws://127.0.0.1:${h.ports['p2']}/websocket`, { 'X-Api-Key': h.t.apiKey });
      try {
        expect((await again.result('server.database.get_item', { namespace: 'mainsail', key: 'general' })).value).to.deep.equal({ printername: 'Left Prusa' });
        expect((await other.result('server.database.list')).namespaces).to.not.include('mainsail');
      } finally {
        again.close();
        other.close();
      }
    } finally {
      await second?.stop();
      rmSync(basedir, { recursive: true, force: true });
    }
  });
});
