/**
 * What an unauthenticated client makes the host log is capped in size and rate: 50 SockJS frames of
 * `{"auth": "<65 000 characters>"}` once wrote 3.2 MB of log, each refused login in full.
 */
import { expect } from 'chai';
import type { Logger } from '../../core/logging/logger.js';
import { UntrustedLog } from '../../core/logging/untrusted-log.js';
import { startTestHost } from '../support/host.js';
import { openPushClient } from '../clients/push-clients.js';
import { waitFor } from '../support/wait.js';

function recordingLogger(): { logger: Logger; lines: { level: string; fields: Record<string, unknown>; msg: string }[] } {
  const lines: { level: string; fields: Record<string, unknown>; msg: string }[] = [];
  const at = (level: string) => (fields: object | string, msg?: string) => void lines.push({ level, fields: fields as Record<string, unknown>, msg: msg ?? '' });
  const logger: Logger = { trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), fatal: at('fatal'), level: 'debug', child: () => logger };
  return { logger, lines };
}

describe('logging what unauthenticated clients send', () => {
  it('cuts each string and writes at most N lines a window, then says how many it left out', () => {
    let now = 0;
    const { logger, lines } = recordingLogger();
    const log = new UntrustedLog(logger, { maxChars: 10, linesPerWindow: 3, windowMs: 1000, now: () => now });
    for (let i = 0; i < 8; i++) log.info({ user: 'u'.repeat(1000), n: i }, 'refused');
    expect(lines.map((l) => l.fields.n)).to.deep.equal([0, 1, 2]);
    expect(lines[0]!.fields.user).to.equal(`${'u'.repeat(10)}…(990 more characters)`);
    now = 1000;
    log.warn({ frame: 'short' }, 'garbled');
    expect(lines.slice(3).map((l) => [l.level, l.msg, l.fields])).to.deep.equal([
      ['warn', '5 more log lines about unauthenticated clients were left out', { suppressed: 5 }],
      ['warn', 'garbled', { frame: 'short' }],
    ]);
  });

  it('50 SockJS logins of 65 000 characters each leave a few kB of log, not megabytes', async function () {
    this.timeout(20_000);
    const t = await startTestHost();
    try {
      const client = await openPushClient(t.baseUrl, 'raw');
      const before = JSON.stringify(t.logs).length;
      const user = 'x'.repeat(65_000);
      for (let i = 0; i < 50; i++) client.send({ auth: `${user}:not-a-session` });
      // every refusal is answered; once the 50th is, all 50 have been logged or counted
      await waitFor(() => client.messages.filter((m) => m.type === 'reauthRequired').length >= 50, 10_000, '50 reauthRequired');
      const added = JSON.stringify(t.logs).length - before;
      expect(t.logs.filter((l) => l.msg === 'push socket auth refused').length).to.be.within(1, 20);
      expect(added, 'bytes of log written').to.be.lessThan(20_000);
      client.close();
    } finally {
      await t.stop();
    }
  });
});
