/** Configuration: named errors for bad input, overrides, plugin sections, atomic saving. */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { loadSettings } from '../../core/container.js';
import { ConfigError } from '../../core/settings/settings-service.js';
import { basedirWith, loadError } from './settings-support.js';
import { serverSettings } from '../../core/http/settings.js';
import { pluginsSettings } from '../../core/plugins/settings.js';
import { waitFor } from '../support/wait.js';

describe('settings', () => {
  it('names an unknown key and the file', () => {
    const err = loadError('server:\n  prot: 5000\n');
    expect(err.key).to.equal('server.prot');
    expect(err.message).to.match(/server\.prot.*not a known setting/);
  });

  it('names a wrong type and what was expected', () => {
    const err = loadError('server:\n  port: "many"\n');
    expect(err.key).to.equal('server.port');
    expect(err.message).to.match(/expected .*port/i);
    const level = loadError('logging:\n  level: loud\n');
    expect(level.key).to.equal('logging.level');
    expect(level.message).to.contain('must be one of');
  });

  it('names a list setting given a single value, its file and line, instead of splitting or parsing it', () => {
    // server.allowedHosts failed with convict's JSON error and no key; serial.tcp.allowedHosts was split on commas, " b" and all
    const server = loadError('server:\n  allowedHosts: example.com\n');
    expect(server.key).to.equal('server.allowedHosts');
    expect(server.message).to.contain('must be a list').and.contain('"example.com"').and.contain('line 2');
    const tcp = loadError('serial:\n  tcp:\n    allowedHosts: "10.0.0.1, 127.0.0.1"\n');
    expect(tcp.key).to.equal('serial.tcp.allowedHosts');
    expect(tcp.message).to.contain('must be a list').and.contain('line 3');
    expect(() => loadSettings({ basedir: basedirWith('serial:\n  tcp:\n    allowedHosts: [10.0.0.1, 127.0.0.1]\n'), env: {} })).to.not.throw();
  });

  it('reports broken YAML with the file and position', () => {
    const err = loadError('server:\n  port: [5000\n');
    expect(err.message).to.contain('not valid YAML');
    expect(err.message).to.match(/line \d+/);
  });

  it('lets the environment win over the file, and overrides win over both', () => {
    const basedir = basedirWith('server:\n  port: 5001\n');
    expect(loadSettings({ basedir, env: {} }).of(serverSettings).get().port).to.equal(5001);
    expect(loadSettings({ basedir, env: { CUTTLE_PORT: '6001' } }).of(serverSettings).get().port).to.equal(6001);
    expect(loadSettings({ basedir, env: { CUTTLE_PORT: '6001' }, overrides: { 'server.port': 7001 } }).of(serverSettings).get().port).to.equal(7001);
  });

  it('keeps plugin sections apart from the schema, with defaults underneath', () => {
    const basedir = basedirWith('plugins:\n  disabled: [x]\n  my-plugin:\n    greeting: hello\n');
    const settings = loadSettings({ basedir, env: {} });
    expect(settings.of(pluginsSettings).get().disabled).to.deep.equal(['x']);
    expect(settings.pluginSettings('my-plugin', { greeting: 'hi', times: 2 })).to.deep.equal({ greeting: 'hello', times: 2 });
  });

  it('saves atomically, keeps comments, and signals the save', async () => {
    const basedir = basedirWith('# my printer\nserver:\n  port: 5001 # chosen\n');
    const settings = loadSettings({ basedir, env: {} });
    const saved: string[][] = [];
    settings.onDidSave((e) => saved.push(e.keys));
    settings.of(serverSettings).update({ port: 5002 });
    expect(() => settings.of(serverSettings).update({ port: 99999 })).to.throw(ConfigError);
    expect(settings.of(serverSettings).get().port).to.equal(5002);
    await settings.save();
    const text = readFileSync(path.join(basedir, 'config.yaml'), 'utf8');
    expect(text).to.contain('# my printer').and.contain('port: 5002');
    expect(saved).to.deep.equal([['server.port']]);
    expect(readdirSync(basedir).filter((f) => f.endsWith('.tmp'))).to.deep.equal([]);
  });

  it('leaves the old file intact when the process dies in the middle of a save', async () => {
    const basedir = basedirWith('server:\n  port: 5001\n');
    const file = path.join(basedir, 'config.yaml');
    const before = readFileSync(file, 'utf8');
    const script = `
      const { writeFileAtomic } = require(${JSON.stringify(path.join(__dirname, '../../core/common/atomic-write.js'))});
      process.stdout.write('writing\\n');
      writeFileAtomic(${JSON.stringify(file)}, 'server:\\n  port: 5002\\n' + '#'.repeat(400 * 1024 * 1024));
    `;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    // kill it while the temporary file is being written
    await waitFor(() => readdirSync(basedir).some((f) => f.endsWith('.tmp')), { timeoutMs: 10_000, intervalMs: 2, what: 'the temporary file' }).catch(() => undefined);
    expect(readdirSync(basedir).some((f) => f.endsWith('.tmp')), 'the save had started').to.equal(true);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(readFileSync(file, 'utf8')).to.equal(before);
    expect(loadSettings({ basedir, env: {} }).of(serverSettings).get().port).to.equal(5001);
  });
});
