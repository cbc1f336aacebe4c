/**
 * cuttle as a systemd service: the unit `cuttle service install` writes (checked by systemd's own
 * `systemd-analyze verify`, never enabled on this machine: it goes to a folder the test chooses),
 * status and uninstall, readiness sent to a $NOTIFY_SOCKET the test listens on, and the warning a
 * host running as root gives.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findAccount, groupExists } from '../../core/service/accounts.js';
import { rootWarning } from '../../core/service/run-as-user.js';
import { notifyArgs } from '../../core/service/sd-notify.js';
import { execWord, systemdUnit, unitWord } from '../../core/service/unit-file.js';
import { spawnHost, type HostProcess } from '../api/support.js';
import { cli } from '../support/cli.js';

import { TEST_API_KEY, writeConfig } from '../support/host.js';
import { datagramListener, requireProgram } from './support.js';
import { waitFor } from '../support/wait.js';

/** `systemd-analyze verify` on a unit file: its exit code and what it said. */
function verify(file: string): { code: number | null; output: string } {
  const result = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('cuttle service', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cuttle-service-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('install --print writes a unit naming the user, the basedir and the hardening, and installs nothing', async () => {
    const basedir = '/srv/cuttle-print-test';
    const r = await cli(['service', 'install', '--print', '--user', 'nobody', '--basedir', basedir, '--unit-dir', dir]);
    expect(r.code, r.stderr).to.equal(0);
    const unit = r.stdout;
    for (const line of [
      'User=nobody',
      'SupplementaryGroups=dialout',
      `ReadWritePaths=${basedir}`,
      `WorkingDirectory=${basedir}`,
      'Type=notify',
      'Restart=on-failure',
      'RestartForceExitStatus=75',
      'After=network-online.target',
      'Wants=network-online.target',
      'NoNewPrivileges=yes',
      'ProtectSystem=strict',
      'PrivateTmp=yes',
      'DevicePolicy=closed',
      'DeviceAllow=char-ttyUSB rw',
      'DeviceAllow=char-ttyACM rw',
    ]) {
      expect(unit.split('\n'), line).to.include(line);
    }
    expect(unit).to.match(new RegExp(`^ExecStart=${process.execPath.replace(/[/.]/g, '\\$&')} \\S+/core/cli/main\\.js serve --basedir ${basedir.replace(/[/.]/g, '\\$&')}$`, 'm'));
    expect(fs.readdirSync(dir)).to.deep.equal([]);
    expect(fs.existsSync(basedir)).to.equal(false);
  });

  it('install writes a unit that systemd-analyze verify accepts; status shows it and uninstall removes it', async function () {
    requireProgram(this, 'systemd-analyze');
    // a basedir with a space and a % (a systemd specifier) must still be one word, taken literally
    const basedir = path.join(dir, 'my base 100%');
    const installed = await cli(['service', 'install', '--user', 'cuttle', '--basedir', basedir, '--unit-dir', dir, '--name', 'cuttle-test']);
    expect(installed.code, installed.stderr).to.equal(0);
    const file = path.join(dir, 'cuttle-test.service');
    expect(installed.stdout).to.include(`wrote ${file}`);
    expect(fs.statSync(basedir).isDirectory()).to.equal(true);
    expect(fs.statSync(file).mode & 0o777).to.equal(0o644);
    const checked = verify(file);
    expect(checked.code, checked.output).to.equal(0);
    expect(checked.output.trim(), 'systemd-analyze verify warnings').to.equal('');
    const text = fs.readFileSync(file, 'utf8');
    expect(text).to.include('ReadWritePaths="' + basedir.replace('%', '%%') + '"');

    const status = await cli(['service', 'status', '--unit-dir', dir, '--name', 'cuttle-test']);
    expect(status.code, status.stderr).to.equal(0);
    expect(status.stdout).to.include(`installed: ${file}`).and.include('user cuttle');

    const removed = await cli(['service', 'uninstall', '--unit-dir', dir, '--name', 'cuttle-test']);
    expect(removed.code, removed.stderr).to.equal(0);
    expect(fs.existsSync(file)).to.equal(false);
    expect(fs.existsSync(basedir), 'the basedir is kept').to.equal(true);
    const after = await cli(['service', 'status', '--unit-dir', dir, '--name', 'cuttle-test']);
    expect(after.code).to.equal(1);
    expect(after.stdout).to.include('not installed');
  });

  it('a unit for a basedir under /home only makes homes read-only (ProtectHome=yes would hide the basedir)', () => {
    const unit = systemdUnit({ user: 'pi', basedir: '/home/pi/.cuttle', node: '/usr/bin/node', cli: '/usr/lib/node_modules/cuttle/dist/core/cli/main.js' });
    expect(unit).to.include('ProtectHome=read-only');
    expect(unit).to.include('ReadWritePaths=/home/pi/.cuttle');
    const system = systemdUnit({ user: 'cuttle', basedir: '/var/lib/cuttle', node: '/usr/bin/node', cli: '/usr/lib/node_modules/cuttle/dist/core/cli/main.js' });
    expect(system).to.include('ProtectHome=yes');
    // the service's own empty /tmp would hide a basedir under /tmp
    const temporary = systemdUnit({ user: 'cuttle', basedir: '/tmp/cuttle', node: '/usr/bin/node', cli: '/opt/cuttle/dist/core/cli/main.js' });
    expect(temporary).to.include('PrivateTmp=no');
    expect(system).to.include('PrivateTmp=yes');
  });

  it('reads accounts and groups as /etc/passwd and /etc/group list them', () => {
    const passwd = path.join(dir, 'passwd');
    const group = path.join(dir, 'group');
    fs.writeFileSync(passwd, 'root:x:0:0:root:/root:/bin/bash\ncuttle:x:998:997::/var/lib/cuttle:/usr/sbin/nologin\n');
    fs.writeFileSync(group, 'root:x:0:\ndialout:x:20:cuttle\n');
    expect(findAccount('cuttle', passwd)).to.deep.equal({ name: 'cuttle', uid: 998, gid: 997, home: '/var/lib/cuttle' });
    expect(findAccount('nobody-here', passwd)).to.equal(undefined);
    expect(groupExists('dialout', group)).to.equal(true);
    expect(groupExists('video', group)).to.equal(false);
    expect(groupExists('dialout', path.join(dir, 'missing'))).to.equal(false);
  });

  it('refuses root, a bad user name and a path with a newline', async () => {
    const root = await cli(['service', 'install', '--print', '--user', 'root', '--basedir', dir]);
    expect(root.code).to.equal(2);
    expect(root.stderr).to.include('must not run as root');
    const bad = await cli(['service', 'install', '--print', '--user', 'a b', '--basedir', dir]);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.include('not a valid user name');
    expect(() => unitWord('/srv/a\nExecStartPre=/bin/sh')).to.throw(/control character/);
    expect(execWord('/srv/$HOME')).to.equal('/srv/$$HOME');
    expect(unitWord('/srv/$HOME 1')).to.equal('"/srv/$HOME 1"');
  });
});

describe('readiness and the root warning of cuttle serve', function () {
  this.timeout(60_000);
  let basedir: string;
  let host: HostProcess | undefined;
  let listener: ReturnType<typeof datagramListener> | undefined;
  beforeEach(() => {
    basedir = fs.mkdtempSync(path.join(os.tmpdir(), 'cuttle-notify-'));
    writeConfig(basedir, { api: { key: TEST_API_KEY } });
  });
  afterEach(async () => {
    await host?.stop();
    host = undefined;
    listener?.close();
    listener = undefined;
    fs.rmSync(basedir, { recursive: true, force: true });
  });

  it('sends READY=1 to $NOTIFY_SOCKET once it serves, and STOPPING=1 at SIGTERM', async function () {
    requireProgram(this, 'python3', ['--version']);
    requireProgram(this, 'systemd-notify', ['--help']);
    const socket = path.join(basedir, 'notify.sock');
    listener = datagramListener(socket);
    await waitFor(() => fs.existsSync(socket), 10_000, 'the receiver to bind the notify socket');
    const saved = process.env['NOTIFY_SOCKET'];
    process.env['NOTIFY_SOCKET'] = socket;
    try {
      host = await spawnHost(basedir);
    } finally {
      if (saved === undefined) delete process.env['NOTIFY_SOCKET'];
      else process.env['NOTIFY_SOCKET'] = saved;
    }
    const ready = listener;
    await waitFor(() => ready.received().includes('READY=1'), 10_000, 'READY=1 on the notify socket');
    expect(ready.received()).to.include(`STATUS=serving ${basedir} at ${host.baseUrl}`);
    // ready means serving: the API answers
    const res = await fetch(`${host.baseUrl}/api/version`, { headers: { 'X-Api-Key': TEST_API_KEY } });
    expect(res.status).to.equal(200);
    await host.stop();
    await waitFor(() => ready.received().includes('STOPPING=1'), 10_000, 'STOPPING=1 on the notify socket');
  });

  it('as root, warns once how to run as a user instead', async () => {
    host = await spawnHost(basedir);
    const warnings = host
      .output()
      .split('\n')
      .filter((line) => line.includes('is running as root'));
    if (process.getuid?.() === 0) {
      expect(warnings).to.have.length(1);
      expect(warnings[0]).to.include('dialout').and.include('cuttle service install --user');
    } else {
      expect(warnings).to.have.length(0);
    }
  });

  it('the warning is for uid 0 only; the notify message is one line per field', () => {
    expect(rootWarning(0)).to.match(/running as root/).and.match(/useradd --system --create-home --groups dialout cuttle/);
    expect(rootWarning(1000)).to.equal(undefined);
    expect(notifyArgs({ ready: true, status: 'a\nb' })).to.deep.equal(['--ready', '--status=a b']);
  });
});
