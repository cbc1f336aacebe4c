/**
 * Logs (issue 24): the log file rotates by size keeping `logging.keep` old files, `cuttle serve`
 * reopens it on SIGHUP after logrotate moved it, and admins list and download the logs folder at
 * /api/logs, by plain file names only; components' levels change at run time (/api/logs/levels).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { RotatingFile } from '../../core/logging/rotating-file.js';
import YAML from 'yaml';
import { type LogLine, type TestHost } from '../support/host.js';
import { keyHeaders } from '../support/http.js';
import { CLI_MAIN } from '../support/cli.js';
import { waitFor } from '../support/wait.js';
import { startApiHost, uploadForm } from '../api/support.js';

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
    let logFile: string;
    before(async () => {
      // the host writes its own log file, at info but for the components an admin raises
      t = await startApiHost({ config: { logging: { level: 'info', file: 'cuttle.log' } }, logToFile: true });
      const logs = path.join(t.basedir, 'logs');
      logFile = path.join(logs, 'cuttle.log');
      writeFileSync(path.join(logs, 'plugin.log'), '{"msg":"now"}\n');
      writeFileSync(path.join(logs, 'cuttle.log.1'), '{"msg":"before"}\n');
    });
    after(() => t.stop());

    it('lists and downloads the log files for an admin', async () => {
      const list = await fetch(`${t.baseUrl}/api/logs`, { headers: keyHeaders(t.apiKey) });
      expect(list.status).to.equal(200);
      const { files } = (await list.json()) as { files: { name: string; size: number; url: string }[] };
      expect(files.map((f) => [f.name, f.size])).to.deep.include.members([['plugin.log', 14], ['cuttle.log.1', 17]]);
      expect(files.map((f) => f.name)).to.include('cuttle.log');
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

    /** The log file's lines (JSON) written after `from` bytes. */
    function linesAfter(from: number): LogLine[] {
      return readFileSync(logFile).subarray(from).toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as LogLine);
    }

    /** A request the http component logs at debug, and an upload the files component logs at debug. */
    async function requestAndUpload(name: string): Promise<void> {
      expect((await fetch(`${t.baseUrl}/api/version`, { headers: keyHeaders(t.apiKey) })).status).to.equal(200);
      const upload = await fetch(`${t.baseUrl}/api/files/local`, { method: 'POST', headers: keyHeaders(t.apiKey), body: uploadForm(name, 'G28\n') });
      expect(upload.status).to.equal(201);
    }

    it("raises one component's level at run time: its debug lines reach the log file, another's do not, and the change is saved", async () => {
      const before = (await (await fetch(`${t.baseUrl}/api/logs/levels`, { headers: keyHeaders(t.apiKey) })).json()) as { level: string; components: Record<string, string> };
      expect(before.level).to.equal('info');
      expect(before.components).to.include({ http: 'info', files: 'info', cuttle: 'info', mqtt: 'info' });

      let mark = statSync(logFile).size;
      await requestAndUpload('quiet.gcode');
      expect(linesAfter(mark).filter((l) => l.level < 30), 'nothing under info yet').to.deep.equal([]);

      const put = await fetch(`${t.baseUrl}/api/logs/levels`, { method: 'PUT', headers: { ...keyHeaders(t.apiKey), 'Content-Type': 'application/json' }, body: JSON.stringify({ levels: { http: 'debug' } }) });
      expect(put.status, await put.clone().text()).to.equal(200);
      expect(((await put.json()) as { components: Record<string, string> }).components).to.include({ http: 'debug', files: 'info' });
      mark = statSync(logFile).size;
      await requestAndUpload('loud.gcode');
      const debug = linesAfter(mark).filter((l) => l.level === 20);
      expect(debug.some((l) => l['service'] === 'http' && l.msg === 'request' && l['path'] === '/api/version' && l['status'] === 200), 'the raised component writes debug lines').to.equal(true);
      expect(debug.every((l) => l['service'] === 'http'), "the files component's debug line stays out").to.equal(true);
      const saved = YAML.parse(readFileSync(path.join(t.basedir, 'config.yaml'), 'utf8')) as { logging: { levels: Record<string, string> } };
      expect(saved.logging.levels).to.deep.equal({ http: 'debug' });

      const back = await fetch(`${t.baseUrl}/api/logs/levels`, { method: 'PUT', headers: { ...keyHeaders(t.apiKey), 'Content-Type': 'application/json' }, body: JSON.stringify({ levels: { http: null } }) });
      expect(back.status).to.equal(200);
      mark = statSync(logFile).size;
      await requestAndUpload('quiet-again.gcode');
      expect(linesAfter(mark).filter((l) => l.level < 30), 'back at logging.level').to.deep.equal([]);
    });

    it('refuses an unknown component or level with a 400 naming it, and changes nothing', async () => {
      const put = (body: unknown) => fetch(`${t.baseUrl}/api/logs/levels`, { method: 'PUT', headers: { ...keyHeaders(t.apiKey), 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      for (const [body, named] of [
        [{ levels: { nosuchthing: 'debug' } }, 'nosuchthing'],
        [{ levels: { http: 'loud' } }, 'loud'],
        [{ level: 'verbose' }, 'verbose'],
        [{ levels: ['http'] }, 'levels'],
        [{ lvl: 'debug' }, 'lvl'],
      ] as const) {
        const response = await put(body);
        expect(response.status, JSON.stringify(body)).to.equal(400);
        expect(((await response.json()) as { error: string }).error).to.contain(named);
      }
      const now = (await (await fetch(`${t.baseUrl}/api/logs/levels`, { headers: keyHeaders(t.apiKey) })).json()) as { level: string; levels: object };
      expect(now).to.deep.include({ level: 'info', levels: {} });
      expect((await fetch(`${t.baseUrl}/api/logs/levels`, { method: 'PUT', body: '{}' })).status).to.be.oneOf([401, 403]);
    });
  });
});
