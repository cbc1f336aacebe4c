/**
 * The `cuttle` command: serve starts and stops cleanly on SIGTERM; bad config exits non-zero with a
 * named error; every command answers --help without doing anything and refuses an unknown flag by
 * name; the commands that talk to a running host find it through <basedir>/host.json, never by
 * guessing its port from config.yaml.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { cli, cliInProcess } from '../support/cli.js';
import { waitFor } from '../support/wait.js';
import { keyHeaders } from '../support/http.js';

const MAIN = path.join(__dirname, '../../core/cli/main.js');

function tempBasedir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'cuttle-cli-'));
}

/** Starts `cuttle serve` and resolves with its URL once it logged "cuttle started". */
async function serve(basedir: string, extra: string[] = []): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [MAIN, 'serve', '--basedir', basedir, '--port', '0', '--host', '127.0.0.1', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    // a start-up deadline, not a speed check: generous for a machine busy with the other test files
    const timer = setTimeout(() => reject(new Error(`no listening line:\n${out}`)), 30000);
    child.once('exit', () => reject(new Error(`serve exited:\n${out}`)));
    child.stdout!.on('data', () => {
      const match = /"url":"(http:[^"]+)"/.exec(out);
      if (match && out.includes('cuttle started')) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
  });
  // host.json follows the listening socket by a moment
  const record = path.join(basedir, 'host.json');
  await waitFor(() => existsSync(record) && readFileSync(record, 'utf8').includes(`"pid": ${child.pid},`), 5000, `host.json naming pid ${child.pid}`);
  return { child, url, output: () => out };
}

function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

const COMMANDS = readdirSync(path.join(__dirname, '../../core/cli/commands'))
  .filter((f) => f.endsWith('.js'))
  .map((f) => f.replace(/\.js$/, ''));

describe('cuttle CLI', function () {
  this.timeout(60000);
  it('serve: fires Startup, answers, and on SIGTERM fires Shutdown and exits 0', async () => {
    const basedir = tempBasedir();
    writeFileSync(path.join(basedir, 'config.yaml'), 'api:\n  key: CliTestKey0123456789abcdefghijklm\nlogging:\n  level: debug\n');
    const { child, url, output } = await serve(basedir);
    const res = await fetch(`${url}/api/nothing`, { headers: keyHeaders('wrong') });
    expect(res.status).to.equal(403);
    child.kill('SIGTERM');
    expect(await exited(child), output()).to.equal(0);
    expect(output()).to.contain('cuttle is shutting down');
  });

  it('serve: a malformed config stops start-up with the file and key named', async () => {
    const basedir = tempBasedir();
    writeFileSync(path.join(basedir, 'config.yaml'), 'server:\n  port: seventy\n');
    const result = await cliInProcess(['serve', '--basedir', basedir]);
    expect(result.code).to.equal(1);
    expect(result.stderr).to.contain(path.join(basedir, 'config.yaml')).and.contain('server.port');
  });

  it('serve: --set overrides are validated like the file', async () => {
    const result = await cliInProcess(['serve', '--basedir', tempBasedir(), '--set', 'server.nosuch=1']);
    expect(result.code).to.equal(1);
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

  // the dispatcher's parsing, in-process (core/cli/cli.ts, what main.ts runs); one real process shows
  // that --help exits at once, without starting anything
  describe('--help and unknown flags', function () {
    this.timeout(60000);
    it('knows every command file', () => expect(COMMANDS).to.include.members(['serve', 'plugins', 'events', 'user', 'keys', 'analyse', 'virtual-printer']));

    it('analyse says what is wrong with FILE: missing, a folder, or not a regular file', async () => {
      const folder = tempBasedir();
      const answers = [];
      for (const file of [path.join(folder, 'none.gcode'), folder, '/dev/null']) answers.push(await cliInProcess(['analyse', file]));
      expect(answers.map((a) => a.code)).to.deep.equal([1, 1, 1]);
      expect(answers.map((a) => a.stderr.trim())).to.deep.equal([
        `cuttle analyse: no such file: ${path.join(folder, 'none.gcode')}`,
        `cuttle analyse: ${folder} is a folder`,
        'cuttle analyse: /dev/null is not a regular file',
      ]);
    });

    it('serve --help, as a process, prints its usage and exits 0 at once, creating nothing', () => {
      const basedir = tempBasedir();
      const started = Date.now();
      const result = spawnSync(process.execPath, [MAIN, 'serve', '--help', '--basedir', basedir], { encoding: 'utf8', timeout: 10000 });
      expect(result.status, result.stderr).to.equal(0);
      expect(result.stdout).to.match(/^usage: cuttle serve/);
      expect(Date.now() - started, 'it did not start anything long-running').to.be.below(10000);
      expect(readdirSync(basedir)).to.deep.equal([]);
    });

    for (const name of COMMANDS) {
      it(`${name} --help prints its usage on stdout, exit 0, and does nothing else`, async () => {
        const basedir = tempBasedir();
        for (const help of ['--help', '-h']) {
          const result = await cliInProcess([name, help, '--basedir', basedir]);
          expect(result.code, `${name} ${help}: ${result.stderr}`).to.equal(0);
          expect(result.stdout).to.match(new RegExp(`^usage: cuttle ${name}`));
          expect(result.stderr).to.equal('');
        }
        // nothing was created: no config.yaml, no key, no host.json
        expect(readdirSync(basedir)).to.deep.equal([]);
      });

      it(`${name} refuses a misspelt flag by name, exit 2`, async () => {
        const result = await cliInProcess([name, '--prot', '5001', '--basedir', tempBasedir()]);
        expect(result.code, result.stdout + result.stderr).to.equal(2);
        expect(result.stderr).to.contain(`cuttle ${name}: unknown option --prot`).and.contain(`usage: cuttle ${name}`);
      });
    }

    it('a flag without its value, or with one it does not take, is refused', async () => {
      const missing = await cliInProcess(['serve', '--port']);
      expect(missing.code).to.equal(2);
      expect(missing.stderr).to.contain("'--port <value>' argument missing");
      const valued = await cliInProcess(['plugins', '--json=yes']);
      expect(valued.code).to.equal(2);
      expect(valued.stderr).to.contain("'--json' does not take an argument");
      const stray = await cliInProcess(['serve', 'now']);
      expect(stray.code).to.equal(2);
      expect(stray.stderr).to.contain("unexpected argument 'now'");
    });
  });

  describe('finding the running host (<basedir>/host.json)', function () {
    this.timeout(90000);
    let decoy: http.Server;
    let decoyHits: { url: string; key: string | undefined }[];
    let decoyPort: number;
    const children: ChildProcess[] = [];

    before(async () => {
      decoyHits = [];
      // whatever else listens on the port config.yaml names: it must never see the admin key
      decoy = http.createServer((req, res) => {
        decoyHits.push({ url: req.url ?? '', key: req.headers['x-api-key'] as string | undefined });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"event":"x","enabled":true,"subscriptions":[]}');
      });
      await new Promise<void>((resolve) => decoy.listen(0, '127.0.0.1', resolve));
      decoyPort = (decoy.address() as AddressInfo).port;
    });
    afterEach(() => {
      for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
    });
    after(() => decoy.close());

    /** A basedir whose config names the decoy's port and a hook that records which process ran it. */
    function hookedBasedir(): { basedir: string; ranBy: () => string | undefined } {
      const basedir = tempBasedir();
      const marker = path.join(basedir, 'ran-by');
      writeFileSync(path.join(basedir, 'record.js'), "require('fs').writeFileSync(process.argv[2], String(process.ppid));\n");
      writeFileSync(
        path.join(basedir, 'config.yaml'),
        [
          'api:',
          '  key: AdminKey0123456789abcdefghijklmn',
          'server:',
          `  port: ${decoyPort}`,
          'events:',
          '  subscriptions:',
          '  - event: Home',
          '    type: system',
          `    command: ${process.execPath} ${path.join(basedir, 'record.js')} ${marker}`,
          '',
        ].join('\n'),
      );
      return { basedir, ranBy: () => (existsSync(marker) ? readFileSync(marker, 'utf8') : undefined) };
    }

    it('events fire reaches the host that serves the basedir (started with --port), not the port in config.yaml', async () => {
      const { basedir, ranBy } = hookedBasedir();
      const host = await serve(basedir);
      children.push(host.child);
      const record = JSON.parse(readFileSync(path.join(basedir, 'host.json'), 'utf8')) as { pid: number; url: string };
      expect(record).to.include({ pid: host.child.pid, url: host.url });

      const fired = await cli(['events', 'fire', 'Home', '--basedir', basedir, '--json']);
      expect(fired.code, fired.stderr).to.equal(0);
      expect(fired.stderr).to.equal('');
      expect(JSON.parse(fired.stdout).subscriptions[0].status).to.equal('ran');
      expect(ranBy(), 'the hook ran inside the serving process').to.equal(String(host.child.pid));
      expect(decoyHits).to.deep.equal([]);

      // a second host on the same basedir is refused, naming the first
      const second = await cli(['serve', '--basedir', basedir, '--port', '0']);
      expect(second.code).to.equal(1);
      expect(second.stderr).to.contain(`already served by cuttle pid ${host.child.pid} at ${host.url}`);

      host.child.kill('SIGTERM');
      expect(await exited(host.child)).to.equal(0);
      expect(existsSync(path.join(basedir, 'host.json')), 'removed at exit').to.equal(false);
      expect(readdirSync(basedir).filter((f) => f.endsWith('.tmp'))).to.deep.equal([]);
    });

    it('with no host running (or one killed -9) it runs the hooks here and sends the key nowhere', async () => {
      const { basedir, ranBy } = hookedBasedir();
      const none = await cli(['events', 'fire', 'Home', '--basedir', basedir]);
      expect(none.code, none.stderr).to.equal(0);
      expect(none.stderr).to.contain(`no cuttle is running on ${basedir}`);
      expect(ranBy(), 'ran in the CLI process').to.not.equal(undefined);

      const host = await serve(basedir);
      children.push(host.child);
      host.child.kill('SIGKILL');
      await exited(host.child);
      expect(existsSync(path.join(basedir, 'host.json')), 'a killed host leaves its record').to.equal(true);
      const stale = await cli(['events', 'fire', 'Home', '--basedir', basedir]);
      expect(stale.code, stale.stderr).to.equal(0);
      expect(stale.stderr).to.contain('no cuttle is running');
      expect(decoyHits).to.deep.equal([]);

      // the stale record does not stop a new host either
      const again = await serve(basedir);
      children.push(again.child);
      expect(JSON.parse(readFileSync(path.join(basedir, 'host.json'), 'utf8')).pid).to.equal(again.child.pid);
      again.child.kill('SIGINT');
      expect(await exited(again.child)).to.equal(0);
      expect(existsSync(path.join(basedir, 'host.json'))).to.equal(false);
    });

    it('a pid that now belongs to another program is not taken for the host', async () => {
      const { basedir } = hookedBasedir();
      // this mocha process is alive, but it is not the cuttle that wrote the record
      writeFileSync(path.join(basedir, 'host.json'), JSON.stringify({ pid: process.pid, url: `http://127.0.0.1:${decoyPort}`, cmdline: 'node\0cuttle\0serve\0', startedAt: new Date().toISOString() }));
      const fired = await cli(['events', 'fire', 'Home', '--basedir', basedir]);
      expect(fired.stderr).to.contain('no cuttle is running');
      expect(decoyHits).to.deep.equal([]);
    });
  });

  describe('log format', function () {
    this.timeout(90000);
    it('pretty-prints on a terminal (run under script(1) for a pty) and writes JSON lines into a pipe', async () => {
      const basedir = tempBasedir();
      writeFileSync(path.join(basedir, 'config.yaml'), 'api:\n  key: CliTestKey0123456789abcdefghijklm\n');
      const command = [process.execPath, MAIN, 'serve', '--basedir', basedir, '--port', '0', '--host', '127.0.0.1'].map((a) => `'${a}'`).join(' ');
      const child = spawn('script', ['-qec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
      let out = '';
      child.stdout!.on('data', (d) => (out += d));
      try {
        await waitFor(() => out.includes('cuttle started'), 20000, '"cuttle started" on the terminal');
      } finally {
        process.kill(-child.pid!, 'SIGTERM');
        await exited(child);
      }
      expect(out).to.match(/\[\d\d:\d\d:\d\d\.\d{3}\] .*INFO.*: .*listening.* .*"url":"http:\/\/127\.0\.0\.1:\d+"/);
      expect(out).to.contain('cuttle started');
      expect(out).not.to.contain('"level":30');

      const piped = await serve(tempBasedir());
      piped.child.kill('SIGTERM');
      await exited(piped.child);
      const lines = piped.output().split('\n').filter((l) => l.startsWith('{'));
      expect(lines.length).to.be.greaterThan(2);
      for (const line of lines) expect(JSON.parse(line)).to.have.property('level');
    });
  });
});
