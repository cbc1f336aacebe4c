/**
 * Test-firing from outside: `POST /api/events/test` (key required, clear 400s) and
 * `cuttle events fire EVENT --payload …` against the running server and, with no server, in-process.
 * And the bundled third-party-style `webhook` type: JSON POSTed, retried, timed out.
 */
import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import type { TestFireResult } from '../../core/event-hooks/api.js';
import { hostWithSubscriptions, makeRecorder, type Recorder } from './support.js';
import { jsonHeaders } from '../support/http.js';

const CLI = path.resolve(__dirname, '../../core/cli/main.js');
const run = promisify(execFile);

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args]);
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('event hooks: test-firing and the webhook type', function () {
  this.timeout(30000);
  let recorder: Recorder;
  before(() => (recorder = makeRecorder()));
  after(() => recorder.remove());

  it('POST /api/events/test runs the subscriptions and answers what each produced', async () => {
    const { t } = await hostWithSubscriptions([{ event: 'PrintDone', type: 'system', command: `${recorder.program} {name} {time}` }]);
    try {
      const post = (body: string, key: string | null = t.apiKey) =>
        fetch(`${t.baseUrl}/api/events/test`, { method: 'POST', headers: key ? jsonHeaders(key) : { 'content-type': 'application/json' }, body });
      const ok = await post(JSON.stringify({ event: 'PrintDone', payload: { name: 'a b.gcode', time: 12.5 } }));
      expect(ok.status).to.equal(200);
      const result = (await ok.json()) as TestFireResult;
      expect(result.enabled).to.equal(true);
      expect(result.subscriptions).to.have.length(1);
      expect(result.subscriptions[0]).to.include({ status: 'ran', index: 0, event: 'PrintDone', type: 'system' });
      expect(result.subscriptions[0]!.commands[0]).to.include({ status: 'ok', exitCode: 0, command: `${recorder.program} 'a b.gcode' 12.5` });
      expect(recorder.take()).to.deep.equal([['a b.gcode', '12.5']]);

      expect((await post('{}', null)).status).to.equal(403);
      const unknown = await post(JSON.stringify({ event: 'Nope' }));
      expect(unknown.status).to.equal(400);
      expect(await unknown.json()).to.deep.equal({ error: 'unknown event "Nope": no loaded plugin declares it' });
      expect((await post('{not json')).status).to.equal(400);
      expect((await post(JSON.stringify({ event: 'PrintDone', payload: [1] }))).status).to.equal(400);
    } finally {
      await t.stop();
    }
  });

  it('cuttle events fire asks the running server, and runs in-process when none answers', async () => {
    const { t } = await hostWithSubscriptions([{ event: 'Home', type: 'system', command: `${recorder.program} cli {who}` }]);
    try {
      const viaServer = await cli(['events', 'fire', 'Home', '--payload', '{"who":"server"}', '--basedir', t.basedir, '--url', t.baseUrl, '--json']);
      expect(viaServer.code, viaServer.stderr).to.equal(0);
      expect((JSON.parse(viaServer.stdout) as TestFireResult).subscriptions[0]!.status).to.equal('ran');
      expect(recorder.take()).to.deep.equal([['cli', 'server']]);

      const local = await cli(['events', 'fire', 'Home', '--payload', '{"who":"local"}', '--basedir', t.basedir, '--url', 'http://127.0.0.1:9']);
      expect(local.code, local.stderr).to.equal(0);
      expect(local.stderr).to.match(/no server at/);
      expect(local.stdout).to.match(/^ran\s+events\.subscriptions\[0\] \(Home → system\)/m);
      expect(recorder.take()).to.deep.equal([['cli', 'local']]);

      expect((await cli(['events', 'fire', 'Home', '--payload', '[1', '--basedir', t.basedir])).code).to.equal(2);
      expect((await cli(['events', 'check', '--basedir', t.basedir])).stdout).to.match(/ok\s+events\.subscriptions\[0\]/);
    } finally {
      await t.stop();
    }
  });

  it('webhook: POSTs the event as JSON, retries after a failure, gives up after its retries or its timeout', async () => {
    const received: { url: string; body: unknown }[] = [];
    let failuresLeft = 1;
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ url: req.url!, body: JSON.parse(body) });
        if (req.url!.startsWith('/hang')) return;
        if (req.url!.startsWith('/never')) return void res.writeHead(503).end('down');
        if (failuresLeft-- > 0) return void res.writeHead(500).end('flaky');
        res.writeHead(200).end('thanks');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { t, hooks } = await hostWithSubscriptions([
      { event: 'PrintDone', type: 'webhook', command: `${base}/done?file={name}` },
      { event: 'PrintFailed', type: 'webhook', command: `${base}/never`, retries: 1 },
      { event: 'PrintCancelled', type: 'webhook', command: `${base}/hang`, retries: 0, timeout: 200 },
    ]);
    try {
      const done = await hooks.testFire('PrintDone', { name: 'a&b c.gcode', time: 3 });
      expect(done.subscriptions[0]!.status).to.equal('ran');
      expect(done.subscriptions[0]!.commands[0]).to.include({ status: 'ok', exitCode: 200, stdout: 'thanks', detail: 'attempt 2' });
      expect(received.map((r) => r.url)).to.deep.equal(['/done?file=a%26b%20c.gcode', '/done?file=a%26b%20c.gcode']);
      expect(received[1]!.body).to.include({ event: 'PrintDone' }).and.to.have.deep.property('payload', { name: 'a&b c.gcode', time: 3 });

      const failed = await hooks.testFire('PrintFailed', {});
      expect(failed.subscriptions[0]!.status).to.equal('failed');
      expect(failed.subscriptions[0]!.commands[0]!.detail).to.equal('HTTP 503 (attempt 2)');

      const hung = await hooks.testFire('PrintCancelled', {});
      expect(hung.subscriptions[0]!.commands[0]).to.include({ status: 'failed', detail: 'timed out (attempt 1)' });
    } finally {
      await t.stop();
      server.closeAllConnections();
      server.close();
    }
  });
});
