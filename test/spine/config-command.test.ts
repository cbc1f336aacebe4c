/**
 * Configuration from every source (issue 24): defaults < config.yaml < environment (CUTTLE_<KEY> for
 * every key) < --set; secrets from files (<key>File); `cuttle config show` says where each value came
 * from with secrets redacted, plugins' sections included; `cuttle config check` names the key, the
 * file and the line (or the variable) for each kind of mistake, plugins' too, without starting anything.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { loadSettings } from '../../core/container.js';
import { apiSettings } from '../../core/auth/settings.js';
import { serverSettings } from '../../core/http/settings.js';
import { envName } from '../../core/settings/config-sources.js';
import { cliInProcess, type CliResult } from '../support/cli.js';
import { refusedStart } from '../support/host.js';

function basedirWith(yaml: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cuttle-config-'));
  writeFileSync(path.join(dir, 'config.yaml'), yaml);
  return dir;
}

/** Runs `cuttle config …` in this process with `env` added to the environment for the call. */
async function config(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return await cliInProcess(['config', ...args]);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

interface Row {
  key: string;
  value: unknown;
  origin: string;
}

async function shown(basedir: string, env: Record<string, string> = {}, extra: string[] = []): Promise<Map<string, Row>> {
  const result = await config(['show', '--json', '--basedir', basedir, ...extra], env);
  expect(result.code, result.stderr).to.equal(0);
  return new Map((JSON.parse(result.stdout) as Row[]).map((row) => [row.key, row]));
}

describe('configuration sources and cuttle config', () => {
  it('derives an environment name for every key', () => {
    expect(envName('server.port')).to.equal('CUTTLE_SERVER_PORT');
    expect(envName('api.keyFile')).to.equal('CUTTLE_API_KEY_FILE');
    expect(envName('events.log.maxAgeDays')).to.equal('CUTTLE_EVENTS_LOG_MAX_AGE_DAYS');
  });

  it('applies defaults < config.yaml < environment < --set, and shows where each value came from', async () => {
    const basedir = basedirWith('server:\n  host: 127.0.0.2\n  port: 5001\nevents:\n  historySize: 50\n');
    const fileOnly = await shown(basedir);
    expect(fileOnly.get('server.port')).to.deep.equal({ key: 'server.port', value: 5001, origin: `${path.join(basedir, 'config.yaml')}:3` });
    expect(fileOnly.get('server.cors.enabled')!.origin).to.equal('default');

    const env = { CUTTLE_SERVER_PORT: '6001', CUTTLE_EVENTS_HISTORY_SIZE: '60', CUTTLE_SERVER_CORS_ORIGINS: '[https://a.example]' };
    const withEnv = await shown(basedir, env);
    expect(withEnv.get('server.port')).to.include({ value: 6001, origin: 'env CUTTLE_SERVER_PORT' });
    expect(withEnv.get('events.historySize')).to.include({ value: 60, origin: 'env CUTTLE_EVENTS_HISTORY_SIZE' });
    expect(withEnv.get('server.cors.origins')).to.deep.include({ value: ['https://a.example'] });
    expect(withEnv.get('server.host')).to.include({ value: '127.0.0.2' });

    const withSet = await shown(basedir, env, ['--set', 'server.port=7001']);
    expect(withSet.get('server.port')).to.include({ value: 7001, origin: '--set' });
    expect(withSet.get('events.historySize')!.value).to.equal(60);
  });

  it('keeps the older declared names (CUTTLE_PORT), which the derived name wins over', () => {
    const basedir = basedirWith('server:\n  port: 5001\n');
    expect(loadSettings({ basedir, env: { CUTTLE_PORT: '6001' } }).of(serverSettings).get().port).to.equal(6001);
    expect(loadSettings({ basedir, env: { CUTTLE_PORT: '6001', CUTTLE_SERVER_PORT: '6002' } }).of(serverSettings).get().port).to.equal(6002);
  });

  it('reads a secret from its file (api.keyFile, relative to the basedir), and never shows it', async () => {
    const basedir = basedirWith('api:\n  key: from-the-file\n  keyFile: secrets/api-key\n');
    const secrets = path.join(basedir, 'secrets');
    writeFileSync(path.join(basedir, 'api-key'), 'from-env-file\n');
    mkdirSync(secrets);
    writeFileSync(path.join(secrets, 'api-key'), 'from-secret-file\n');
    expect(loadSettings({ basedir, env: {} }).of(apiSettings).get().key).to.equal('from-secret-file');
    expect(loadSettings({ basedir, env: { CUTTLE_API_KEY_FILE: 'api-key' } }).of(apiSettings).get().key, 'the environment names another file').to.equal('from-env-file');
    const rows = await shown(basedir);
    expect(rows.get('api.key')).to.deep.equal({ key: 'api.key', value: '<redacted>', origin: 'file secrets/api-key (api.keyFile)' });
    const plain = await config(['show', '--basedir', basedir]);
    expect(plain.stdout).to.not.contain('from-secret-file').and.not.contain('from-the-file');
    const fromEnv = await shown(basedirWith(''), { CUTTLE_API_KEY: 'env-key', CUTTLE_PUSH_REDIS_URL: 'redis://:pw@h' });
    expect(fromEnv.get('api.key')).to.include({ value: '<redacted>', origin: 'env CUTTLE_API_KEY' });
    expect(fromEnv.get('push.redis.url')!.value).to.equal('<redacted>');
  });

  it("shows plugins' sections too: each key with its source, secrets redacted", async () => {
    const basedir = basedirWith('plugins:\n  mqtt:\n    url: mqtt://broker.lan\n    password: hunter2\n');
    const rows = await shown(basedir);
    const file = path.join(basedir, 'config.yaml');
    expect(rows.get('plugins.mqtt.url')).to.deep.equal({ key: 'plugins.mqtt.url', value: 'mqtt://broker.lan', origin: `${file}:3` });
    expect(rows.get('plugins.mqtt.password')).to.deep.equal({ key: 'plugins.mqtt.password', value: '<redacted>', origin: `${file}:4` });
    expect(rows.get('plugins.mqtt.qos')).to.deep.equal({ key: 'plugins.mqtt.qos', value: 1, origin: 'default' });
    expect(rows.get('plugins.printer-events.tolerance')).to.include({ origin: 'default' });
    expect((await config(['show', '--basedir', basedir])).stdout).to.not.contain('hunter2');
    // a plugin's section that does not fit: named as check names it, the rest still shown
    const bad = await config(['show', '--basedir', basedirWith('plugins:\n  mqtt:\n    qos: 7\n')]);
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.contain('"plugins.mqtt.qos"').and.contain('(line 3)');
    expect(bad.stdout).to.contain('server.port');
  });

  describe('config check', () => {
    async function checkFails(yaml: string, env: Record<string, string> = {}): Promise<{ message: string; file: string }> {
      const basedir = basedirWith(yaml);
      const result = await config(['check', '--basedir', basedir], env);
      expect(result.code, result.stdout + result.stderr).to.equal(1);
      return { message: result.stderr, file: path.join(basedir, 'config.yaml') };
    }

    it('passes a valid file', async () => {
      const basedir = basedirWith('server:\n  port: 5001\n');
      const result = await config(['check', '--basedir', basedir]);
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stdout).to.contain('is valid');
    });

    it('names an unknown key with its file and line', async () => {
      const { message, file } = await checkFails('# comment\nserver:\n  port: 5001\n  prot: 4\n');
      expect(message).to.contain(`${file}: "server.prot": is not a known setting (line 4)`);
    });

    it('names a wrong type with its line', async () => {
      const { message, file } = await checkFails('serial:\n  baudrate: fast\n');
      expect(message).to.contain(`${file}: "serial.baudrate"`);
      expect(message).to.match(/\(line 2\)\n/);
    });

    it('names a component given a level that is none, with its line', async () => {
      const { message, file } = await checkFails('logging:\n  levels:\n    http: loud\n');
      expect(message).to.contain(`${file}: "logging.levels": expected "http": "loud" is not a level`);
      expect(message).to.contain('(line 2)');
    });

    it('names broken YAML with its line', async () => {
      const { message } = await checkFails('server:\n  port: [5000\n');
      expect(message).to.match(/not valid YAML.*line \d+/);
    });

    it("names a wrong value given by the environment by its variable", async () => {
      const { message } = await checkFails('', { CUTTLE_SERVER_PORT: 'many' });
      expect(message).to.contain('"server.port"');
      expect(message).to.contain('(env CUTTLE_SERVER_PORT)');
    });

    it('names a secret file that cannot be read', async () => {
      const { message, file } = await checkFails('api:\n  keyFile: /nonexistent/key\n');
      expect(message).to.contain(`${file}: "api.keyFile": cannot read /nonexistent/key: ENOENT (line 2)`);
    });

    it("names an unknown key in a plugin's section with its line", async () => {
      const { message, file } = await checkFails('plugins:\n  mqtt:\n    brokr: 1\n');
      expect(message).to.contain(`${file}: "plugins.mqtt.brokr": is not a known setting (line 3)`);
    });

    it("names a plugin's setting of the wrong type with its file and line", async () => {
      const { message, file } = await checkFails('plugins:\n  mqtt:\n    url: mqtt://broker.lan\n    keepalive: often\n');
      expect(message).to.contain(`${file}: "plugins.mqtt.keepalive"`);
      expect(message).to.contain('(line 4)');
    });

    it("names the line of a plugin's mistake when the host refuses to start too", async () => {
      const err = await refusedStart({ plugins: { mqtt: { brokr: 1 } } });
      expect(err.key).to.equal('plugins.mqtt.brokr');
      expect(err.where).to.match(/^line \d+$/);
    });

    it('names a bad --set', async () => {
      const result = await config(['check', '--basedir', basedirWith(''), '--set', 'server.port=-1']);
      expect(result.code).to.equal(1);
      expect(result.stderr).to.contain('"server.port"');
      expect(result.stderr).to.contain('(--set)');
    });
  });
});
