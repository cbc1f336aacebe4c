/**
 * Throttling on a farm: a subscription's throttle holds back a printer's repeated events, never
 * another printer's (each printer has its own gate).
 */
import { expect } from 'chai';
import { EventBus } from '../../core/events/event-bus.js';
import { EventHooks } from '../../core/event-hooks/api.js';
import { makeRecorder, type Recorder } from '../event-hooks/support.js';
import { startTestHost, type TestHost } from '../support/host.js';
import { virtualPrinter } from './support.js';
import { waitFor } from '../support/wait.js';

describe('farm events: throttled subscriptions per printer', function () {
  this.timeout(30000);
  let recorder: Recorder;
  let t: TestHost | undefined;
  before(() => (recorder = makeRecorder()));
  after(async () => {
    await t?.stop();
    recorder.remove();
  });

  it('runs for each printer\'s first event within the throttle, and drops a printer\'s repeat', async () => {
    t = await startTestHost({
      config: {
        printers: [virtualPrinter('p1'), virtualPrinter('p2')],
        events: { subscriptions: [{ event: 'ZChange', type: 'system', command: `${recorder.program} {__printer} {new}`, throttle: 60000 }] },
      },
    });
    const bus = t.get<EventBus>(EventBus);
    bus.fire('ZChange', { old: 0, new: 0.2, printer: 'p1' });
    bus.fire('ZChange', { old: 0, new: 0.2, printer: 'p2' });
    bus.fire('ZChange', { old: 0.2, new: 0.4, printer: 'p1' });
    await bus.idle(5000);
    await t.get<EventHooks>(EventHooks).idle(10000);
    // each printer's first ZChange runs; then, with every run finished, p1's repeat has not
    const runs: string[][] = [];
    await waitFor(() => (runs.push(...recorder.take()), runs.length >= 2), 10000, 'a run for each printer');
    await t.get<EventHooks>(EventHooks).idle(10000);
    runs.push(...recorder.take());
    expect(runs.map((argv) => argv.join(' ')).sort()).to.deep.equal(['p1 0.2', 'p2 0.2']);
  });
});
