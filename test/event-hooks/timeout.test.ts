/**
 * A hanging command is killed at its timeout, with whatever it started, and the rest of its list does
 * not run; meanwhile the bus keeps delivering and other subscriptions keep running.
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { SubscriptionOutcome } from '../../core/event-hooks/api.js';
import { hostWithSubscriptions, makeRecorder, type Recorder } from './support.js';
import { waitFor } from '../support/wait.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('event hooks: timeouts', function () {
  this.timeout(20000);
  let recorder: Recorder;
  before(() => (recorder = makeRecorder()));
  after(() => recorder.remove());

  it('kills a hanging command at its timeout while the bus keeps delivering', async () => {
    const hang = path.join(recorder.dir, 'hang.sh');
    const pidFile = path.join(recorder.dir, 'hang.pid');
    const childPidFile = path.join(recorder.dir, 'child.pid');
    // the program starts a grandchild in its group, then hangs
    writeFileSync(hang, `#!/bin/sh\necho $$ > "$1"\nsleep 30 &\necho $! > "$2"\nwait\n`);
    chmodSync(hang, 0o755);
    const { t, hooks } = await hostWithSubscriptions([
      { event: 'Home', type: 'system', command: [`${hang} ${pidFile} ${childPidFile}`, `${recorder.program} after-hang`], timeout: 1500 },
      { event: 'Alert', type: 'system', command: `${recorder.program} alert {__eventname}` },
    ]);
    try {
      const outcomes: SubscriptionOutcome[] = [];
      hooks.onDidRun((o) => outcomes.push(o));
      let delivered = 0;
      t.host.bus.onAny(() => void delivered++);
      t.host.bus.fire('Home', {});
      const pid = await waitFor(() => Number(readFileSync(pidFile, { flag: 'a+', encoding: 'utf8' })) || undefined, 5000, 'the hang to start');
      for (let i = 0; i < 5; i++) t.host.bus.fire('Alert', {});
      expect(await t.host.bus.idle(5000)).to.equal(true);
      await waitFor(() => (outcomes.filter((o) => o.event === 'Alert').length === 5 ? true : undefined), 5000, 'the five Alert runs');
      // everything after Home was delivered and handled while the hang was still running
      expect(delivered).to.equal(6);
      expect(outcomes.some((o) => o.event === 'Home')).to.equal(false);
      expect(alive(pid)).to.equal(true);

      const home = await waitFor(() => outcomes.find((o) => o.event === 'Home'), 10000, 'the Home outcome');
      expect(home.status).to.equal('failed');
      expect(home.commands).to.have.length(1);
      expect(home.commands[0]!.status).to.equal('timeout');
      expect(home.commands[0]!.detail).to.match(/killed after 1500 ms/);
      expect(home.commands[0]!.durationMs).to.be.at.least(1400);
      const childPid = Number(readFileSync(childPidFile, 'utf8'));
      await waitFor(() => (!alive(pid) && !alive(childPid) ? true : undefined), 5000, 'the hang and its child to die');
      const runs = recorder.take().map((argv) => argv.join(' '));
      expect(runs).to.have.length(5);
      expect(runs.every((r) => r === 'alert Alert')).to.equal(true);
      expect(t.logs.some((l) => l.level === 50 && /timed out/.test(l.msg) && String(l['subscription']).includes('events.subscriptions[0]'))).to.equal(true);
    } finally {
      await t.stop();
    }
  });

  it('logs exit code, stdout and stderr against the subscription and stops only that list', async () => {
    const { t, hooks } = await hostWithSubscriptions([
      { event: 'Dwell', type: 'system', shell: true, command: ['echo out; echo err >&2; exit 3', `${recorder.program} not-reached`] },
      { event: 'Dwell', type: 'system', command: `${recorder.program} other-list` },
    ]);
    try {
      const result = await hooks.testFire('Dwell', {});
      const [failing, other] = result.subscriptions;
      expect(failing!.status).to.equal('failed');
      expect(failing!.commands).to.have.length(1);
      expect(failing!.commands[0]).to.include({ status: 'failed', exitCode: 3, stdout: 'out\n', stderr: 'err\n', detail: 'exit code 3' });
      expect(other!.status).to.equal('ran');
      expect(recorder.take()).to.deep.equal([['other-list']]);
      const line = t.logs.find((l) => l.level === 50 && l['exitCode'] === 3);
      expect(line).to.include({ subscription: 'events.subscriptions[0] (Dwell → system)', stdout: 'out\n', stderr: 'err\n' });
    } finally {
      await t.stop();
    }
  });
});
