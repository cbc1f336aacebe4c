/**
 * Klipper's system_stats from the host, refreshed at most once a second for every printer (as Klipper
 * refreshes it): an idle host's subscribers get no status update from it at each 250 ms tick.
 */
import os from 'node:os';
import { expect } from 'chai';
import { systemStats } from '../../core/moonraker/proc-stats.js';

describe('moonraker: system_stats', () => {
  it('is the host’s load and available memory (kB), the same object within a second, read again after', () => {
    const first = systemStats(1_000_000);
    expect(first.memavail).to.be.greaterThan(0).and.at.most(Math.round(os.totalmem() / 1024));
    expect(first.sysload).to.be.a('number').and.at.least(0);
    expect(first.cputime).to.be.greaterThan(0);
    expect(systemStats(1_000_999)).to.equal(first);
    expect(systemStats(1_001_000)).to.not.equal(first);
  });
});
