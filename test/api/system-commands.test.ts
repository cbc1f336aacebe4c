/**
 * `/api/system/commands` runs its commands as the `system` event hooks do: split into words as a
 * shell would (quotes honoured), without a shell, with a timeout after which the process group is
 * killed; a failure is a 500 that says why.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { TestHost } from '../support/host.js';
import { api, startApiHost, type Api } from './support.js';

describe('/api/system/commands', function () {
  this.timeout(30000);
  let t: TestHost;
  let call: Api;
  let scratch: string;
  const node = process.execPath;

  before(async () => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'cuttle system commands '));
    const target = path.join(scratch, 'it ran.txt');
    const action = (name: string, command: string) => ({ action: name, name, command, confirm: null });
    t = await startApiHost({
      config: {
        system: {
          commandTimeoutSeconds: 1,
          actions: [
            action('quoted', `'${node}' -e "require('fs').writeFileSync(process.argv[1], process.argv.length + ' words')" '${target}'`),
            action('fails', `'${node}' -e "console.error('disk on fire'); process.exit(3)"`),
            action('hangs', `'${node}' -e "setInterval(() => {}, 1000)"`),
            action('piped', 'echo hello | tee /tmp/cuttle-should-not-exist'),
            action('missing', 'cuttle-no-such-program --now'),
          ],
        },
      },
    });
    call = api(t);
  });
  after(async () => {
    await t?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('keeps a quoted argument with spaces as one word and waits for the command', async () => {
    const r = await call('POST', '/api/system/commands/custom/quoted');
    expect(r.status, JSON.stringify(r.json)).to.equal(204);
    expect(readFileSync(path.join(scratch, 'it ran.txt'), 'utf8')).to.equal('2 words');
  });

  it('answers 500 with the exit code and what the command said', async () => {
    const r = await call('POST', '/api/system/commands/custom/fails');
    expect(r.status).to.equal(500);
    expect(r.json.error).to.contain('exit code 3').and.contain('disk on fire');
  });

  it('kills a command at its timeout and says so', async () => {
    const r = await call('POST', '/api/system/commands/custom/hangs');
    expect(r.status).to.equal(500);
    expect(r.json.error).to.contain('did not finish within 1 s');
  });

  it('runs no shell: a pipe is refused, not run', async () => {
    const r = await call('POST', '/api/system/commands/custom/piped');
    expect(r.status).to.equal(500);
    expect(r.json.error).to.contain('shell syntax (|)');
    expect(existsSync('/tmp/cuttle-should-not-exist')).to.equal(false);
  });

  it('says when the program cannot be started', async () => {
    const r = await call('POST', '/api/system/commands/custom/missing');
    expect(r.status).to.equal(500);
    expect(r.json.error).to.contain('could not start cuttle-no-such-program');
  });
});
