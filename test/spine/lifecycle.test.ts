/** Start-up and shutdown: Startup fires once the host is up; Shutdown is delivered within a bounded grace time. */
import { expect } from 'chai';
import { EventBus } from '../../core/events/event-bus.js';
import { eventsSettings } from '../../core/events/settings.js';
import { SettingsService } from '../../core/settings/settings-service.js';
import { startTestHost } from '../support/host.js';

describe('host life cycle', () => {
  it('gives subscribers a bounded time at shutdown, then stops anyway', async () => {
    const t = await startTestHost({ config: { events: { shutdownGraceMs: 300 } } });
    const bus = t.get<EventBus>(EventBus);
    const seen: string[] = [];
    bus.on('Shutdown', () => new Promise<void>(() => seen.push('hung')), { owner: 'never-finishes' });
    bus.on('Shutdown', () => void seen.push('quick'), { owner: 'quick' });
    const started = Date.now();
    await t.stop();
    const took = Date.now() - started;
    expect(seen).to.include.members(['hung', 'quick']);
    expect(took).to.be.at.least(250);
    expect(t.logs.some((l) => String(l.msg).includes('did not finish within 300 ms'))).to.equal(true);
  });

  it('fires Startup after the plugins have started, with sequence numbers from 1', async () => {
    const t = await startTestHost();
    try {
      const history = t.get<EventBus>(EventBus).since(0).events;
      const startup = history.find((e) => e.name === 'Startup');
      expect(startup, 'Startup in history').to.not.equal(undefined);
      expect(history[0]!.seq).to.equal(1);
    } finally {
      await t.stop();
    }
  });

  it('fires SettingsUpdated through the settings-events plugin when settings are saved', async () => {
    const t = await startTestHost();
    try {
      const bus = t.get<EventBus>(EventBus);
      const names: string[] = [];
      bus.onAny((e) => void names.push(e.name));
      const settings = t.get<SettingsService>(SettingsService);
      settings.of(eventsSettings).update({ shutdownGraceMs: 1234 });
      await settings.save();
      await bus.idle(2000);
      expect(names).to.include('SettingsUpdated');
    } finally {
      await t.stop();
    }
  });
});
