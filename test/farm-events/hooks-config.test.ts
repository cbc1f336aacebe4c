/**
 * A malformed `printers` filter in events.subscriptions stops the host at start with a ConfigError
 * naming the key and the entry; a well-formed id that no printer has is only a warning (printers can
 * be added while the host runs).
 */
import { expect } from 'chai';
import { ConfigError } from '../../core/settings/settings-service.js';
import { startTestHost } from '../support/host.js';

const entry = (printers: unknown) => ({ event: 'PrintDone', type: 'system', command: 'true', printers });

describe('farm events: the printers filter of event subscriptions is checked at start', () => {
  for (const [what, printers, reason] of [
    ['not a list', 'p2', /entry \[1\] printers must be a non-empty list of printer ids/],
    ['an empty list', [], /entry \[1\] printers must be a non-empty list/],
    ['an id that is not one', ['P 2'], /entry \[1\] printers: "P 2" is not a printer id/],
  ] as const) {
    it(`refuses ${what} with a ConfigError naming events.subscriptions`, async () => {
      const err = await startTestHost({ config: { events: { subscriptions: [entry(['default']), entry(printers)] } } }).then(
        async (t) => (await t.stop(), null),
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(ConfigError);
      expect((err as ConfigError).key).to.equal('events.subscriptions');
      expect((err as ConfigError).message).to.match(reason);
      expect((err as ConfigError).message).to.contain('config.yaml');
    });
  }

  it('warns about an id no printer has, and keeps the subscription', async () => {
    const t = await startTestHost({ config: { events: { subscriptions: [entry(['later'])] } } });
    try {
      const warning = t.logs.find((l) => l.msg.includes('printers lists "later", which is not a configured printer'));
      expect(warning?.msg).to.contain('events.subscriptions[0]');
    } finally {
      await t.stop();
    }
  });
});
