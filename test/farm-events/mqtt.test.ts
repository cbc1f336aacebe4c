/**
 * MQTT on a farm, against a real mosquitto: each printer's events under its own topic level with its
 * id, its retained state and Home Assistant device; a printer added at run time gets its discovery
 * configs, a removed one's retained topics and configs are deleted at the broker (a late subscriber
 * sees none of them); a command reaches the printer its topic names.
 */
import { expect } from 'chai';
import { PrinterRegistry } from '../../core/printers/printer-registry.js';
import { startApiHost } from '../api/support.js';
import { fastSerial } from '../printer/helpers.js';
import type { TestHost } from '../support/host.js';
import { record, startMosquitto, type Broker, type Recorder } from '../mqtt/broker.js';
import { stopFarm, virtualPrinter } from './support.js';
import { waitFor } from '../support/wait.js';

describe('farm events: MQTT per printer (real mosquitto)', function () {
  this.timeout(60000);
  let broker: Broker;
  let t: TestHost | undefined;
  const recorders: Recorder[] = [];
  const watch = async (filter: string) => {
    const r = await record(broker.url, filter);
    recorders.push(r);
    return r;
  };
  before(async () => (broker = await startMosquitto()));
  after(async () => {
    for (const r of recorders) await r.close();
    await stopFarm(t);
    await broker?.stop();
  });

  it('publishes per printer, adds and deletes a printer\'s device and topics with it, routes commands by printer', async () => {
    const farm = await watch('cuttle/#');
    const ha = await watch('homeassistant/#');
    t = await startApiHost({
      config: { ...fastSerial({}, { temperatureInterval: 1 }), printers: [virtualPrinter('p1'), virtualPrinter('p2')], plugins: { mqtt: { url: broker.url, hostId: 'farm', commands: true } } },
    });
    const registry = t.get<PrinterRegistry>(PrinterRegistry);
    await registry.get('p2')!.printer.connect();
    await waitFor(() => (farm.last('cuttle/farm/p2/state') as { id?: string } | undefined)?.id === 'OPERATIONAL', 10000);
    expect(farm.last('cuttle/farm/p1/state')).to.deep.include({ id: 'OFFLINE' });
    // the event and the retained state are two publishes: either may arrive first
    await waitFor(() => farm.on('cuttle/farm/p2/event/Connected').length > 0, 10000, 'p2\'s Connected');
    const connected = farm.on('cuttle/farm/p2/event/Connected').map((m) => JSON.parse(m.text) as { printer: string; payload: { printer: string } });
    expect(connected).to.have.length(1);
    expect(connected[0]).to.deep.include({ printer: 'p2' });
    expect(connected[0]!.payload.printer).to.equal('p2');
    expect(farm.on('cuttle/farm/p1/event/Connected')).to.deep.equal([]);
    for (const id of ['p1', 'p2']) {
      await waitFor(() => ha.last(`homeassistant/sensor/cuttle_farm_${id}/state/config`) !== undefined, 10000);
      expect(ha.last(`homeassistant/sensor/cuttle_farm_${id}/state/config`)).to.deep.include({ state_topic: `cuttle/farm/${id}/state` });
    }
    await waitFor(() => ha.last('homeassistant/sensor/cuttle_farm_p2/temperature_tool0/config') !== undefined, 10000);

    // a command on p1's topic is for p1 (not printing: refused with its reason), an unknown printer's is refused
    await farm.client.publishAsync('cuttle/farm/p1/command/pause', 'pause');
    await farm.client.publishAsync('cuttle/farm/p9/command/pause', 'pause');
    await waitFor(() => farm.on('cuttle/farm/p9/command/result').length === 1 && farm.on('cuttle/farm/p1/command/result').length === 1);
    expect(farm.last('cuttle/farm/p1/command/result')).to.deep.include({ printer: 'p1', accepted: false, reason: 'the printer is not printing' });
    expect(farm.last('cuttle/farm/p9/command/result')).to.deep.include({ accepted: false, reason: 'no printer "p9"' });

    await registry.add(virtualPrinter('p3'));
    await waitFor(() => ha.last('homeassistant/sensor/cuttle_farm_p3/state/config') !== undefined, 10000);
    expect(farm.last('cuttle/farm/p3/state')).to.deep.include({ id: 'OFFLINE' });

    await registry.remove('p2');
    // deleted at the broker: an empty retained message per topic, so a new subscriber gets nothing of p2
    await waitFor(() => ha.messages.some((m) => m.topic === 'homeassistant/sensor/cuttle_farm_p2/state/config' && m.text === ''), 10000);
    await waitFor(() => farm.messages.some((m) => m.topic === 'cuttle/farm/p2/state' && m.text === ''), 10000);
    const late = await watch('cuttle/#');
    const lateHa = await watch('homeassistant/#');
    await waitFor(() => late.last('cuttle/farm/p3/state') !== undefined && lateHa.last('homeassistant/sensor/cuttle_farm_p3/state/config') !== undefined);
    expect(late.messages.filter((m) => m.topic.startsWith('cuttle/farm/p2/')).map((m) => m.topic)).to.deep.equal([]);
    expect(lateHa.messages.filter((m) => m.topic.includes('cuttle_farm_p2')).map((m) => m.topic)).to.deep.equal([]);
    expect(late.last('cuttle/farm/p1/state')).to.deep.include({ id: 'OFFLINE' });
  });
});
