/**
 * Logs (issue 24): the log file rotates by size keeping `logging.keep` old files, `cuttle serve`
 * reopens it on SIGHUP after logrotate moved it, and admins list and download the logs folder at
 * /api/logs, by plain file names only.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { RotatingFile } from '../../core/logging/rotating-file.js';
import { type TestHost } from '../support/host.js';
import { keyHeaders } from '../support/http.js';
import { CLI_MAIN } from '../support/cli.js';
import { waitFor } from '../support/wait.js';
import { startApiHost } from '../api/support.js';

describe('logs', function () {
  this.timeout(30000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'cuttle-logs-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('rotates by size, keeping the newest lines in logging.keep old files', () => {
    const file = path.join(dir, 'cuttle.log');
    const log = new RotatingFile(file, { maxBytes: 100, keep: 2 });
    const lines = Array.from({ length: 20 }, (_, i) => `{"line":${String(i).padStart(3, '0')},"pad":"xxxxxxxx"}\n`); // 33 bytes each: 3 to a file
    for (const line of lines) log.write(line);
    log.close();
    expect(readdirSync(dir).sort()).to.deep.equal(['cuttle.log', 'cuttle.log.1', 'cuttle.log.2']);
    for (const name of ['cuttle.log', 'cuttle.log.1', 'cuttle.log.2']) expect(readFileSync(path.join(dir, name)).length).to.be.at.most(100);
    const kept = ['cuttle.log.2', 'cuttle.log.1', 'cuttle.log'].map((n) => readFileSync(path.join(dir, n), 'utf8')).join('');
    expect(kept).to.equal(lines.slice(-kept.split('\n').length + 1).join(''), 'the newest lines, in order, none lost in between');
  });

  it('cuttle serve reopens the log file on SIGHUP after logrotate moved it', async () => {
    const child = spawn(process.execPath, [CLI_MAIN, 'serve', '--basedir', dir, '--port', '0', '--set', 'logging.file=cuttle.log'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      const file = path.join(dir, 'logs', 'cuttle.log');
      await waitFor(() => existsSync(file) && readFileSync(file, 'utf8').includes('cuttle started'), { timeoutMs: 20000, what: 'the host started, logging to its file' });
      renameSync(file, `${file}.1`);
      child.kill('SIGHUP');
      await waitFor(() => existsSync(file) && readFileSync(file, 'utf8').includes('log file reopened'), { timeoutMs: 10000, what: 'a new log file after SIGHUP' });
      expect(readFileSync(`${file}.1`, 'utf8')).to.contain('cuttle started').and.not.contain('log file reopened');
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });

  describe('GET /api/logs', () => {
    let t: TestHost;
    before(async () => {
      t = await startApiHost();
      const logs = path.join(t.basedir, 'logs');
      mkdirSync(logs, { recursive: true });
      writeFileSync(path.join(logs, 'cuttle.log'), '{"msg":"now"}\n');
      writeFileSync(path.join(logs, 'cuttle.log.1'), '{"msg":"before"}\n');
    });
    after(() => t.stop());

    it('lists and downloads the log files for an admin', async () => {
      const list = await fetch(`${t.baseUrl}/api/logs`, { headers: keyHeaders(t.apiKey) });
      expect(list.status).to.equal(200);
      const { files } = (await list.json()) as { files: { name: string; size: number; url: string }[] };
      expect(files.map((f) => [f.name, f.size])).to.deep.include.members([['cuttle.log', 14], ['cuttle.log.1', 17]]);
      const one = await fetch(`${t.baseUrl}${files.find((f) => f.name === 'cuttle.log.1')!.url}`, { headers: keyHeaders(t.apiKey) });
      expect(one.status).to.equal(200);
      expect(await one.text()).to.equal('{"msg":"before"}\n');
    });

    it('answers no one without a key, and no path outside the folder', async () => {
      expect((await fetch(`${t.baseUrl}/api/logs`)).status).to.be.oneOf([401, 403]);
      expect((await fetch(`${t.baseUrl}/api/logs/cuttle.log`)).status).to.be.oneOf([401, 403]);
      for (const name of ['..%2Fconfig.yaml', '.hidden', 'missing.log']) {
        const response = await fetch(`${t.baseUrl}/api/logs/${name}`, { headers: keyHeaders(t.apiKey) });
        expect(response.status, name).to.be.oneOf([400, 404]);
      }
    });
  });
});
