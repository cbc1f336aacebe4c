/** The `cuttle` command: serve starts and stops cleanly on SIGTERM; bad config exits non-zero with a named error. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';

const MAIN = path.join(__dirname, '../../core/cli/main.js');

function tempBasedir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'cuttle-cli-'));
}

describe('cuttle CLI', () => {
  it('serve: fires Startup, answers, and on SIGTERM fires Shutdown and exits 0', async () => {
    const basedir = tempBasedir();
    writeFileSync(path.join(basedir, 'config.yaml'), 'api:\n  key: CliTestKey0123456789abcdefghijklm\nlogging:\n  level: debug\n');
    const child = spawn(process.execPath, [MAIN, 'serve', '--basedir', basedir, '--port', '0', '--host', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line:\n${out}`)), 15000);
      child.stdout.on('data', () => {
        const match = /"url":"(http:[^"]+)"/.exec(out);
        if (match && out.includes('cuttle started')) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
    });
    const res = await fetch(`${url}/api/nothing`, { headers: { 'X-Api-Key': 'wrong' } });
    expect(res.status).to.equal(403);
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code, out).to.equal(0);
    expect(out).to.contain('cuttle is shutting down');
  });

  it('serve: a malformed config stops start-up with the file and key named', () => {
    const basedir = tempBasedir();
    writeFileSync(path.join(basedir, 'config.yaml'), 'server:\n  port: seventy\n');
    const result = spawnSync(process.execPath, [MAIN, 'serve', '--basedir', basedir], { encoding: 'utf8', timeout: 15000 });
    expect(result.status).to.equal(1);
    expect(result.stderr).to.contain(path.join(basedir, 'config.yaml')).and.contain('server.port');
  });

  it('serve: --set overrides are validated like the file', () => {
    const result = spawnSync(process.execPath, [MAIN, 'serve', '--basedir', tempBasedir(), '--set', 'server.nosuch=1'], { encoding: 'utf8', timeout: 15000 });
    expect(result.status).to.equal(1);
    expect(result.stderr).to.contain('server.nosuch').and.contain('not a known setting');
  });

  it('plugins: lists the bundled plugins', () => {
    const result = spawnSync(process.execPath, [MAIN, 'plugins', '--basedir', tempBasedir()], { encoding: 'utf8', timeout: 15000 });
    expect(result.status).to.equal(0);
    expect(result.stdout).to.match(/loaded\s+server-events/).and.match(/loaded\s+settings-events/);
  });

  it('prints usage for an unknown command', () => {
    const result = spawnSync(process.execPath, [MAIN, 'frobnicate'], { encoding: 'utf8' });
    expect(result.status).to.equal(2);
    expect(result.stderr).to.contain('unknown command').and.contain('serve');
  });
});
