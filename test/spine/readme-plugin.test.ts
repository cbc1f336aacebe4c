/**
 * The README's plugin quick start, run exactly as written: the shell block after the marker comment,
 * in cuttle's folder, with HOME set to a temporary folder (so `~/cuttle-plugin-print-log` lands there).
 * npm keeps using the real cache and user config, so `npm install` needs the registry only for what the
 * cache does not hold (typescript and @types/node, which cuttle's own `npm ci` already put there).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { APP_ROOT } from '../../core/host.js';

const MARKER = '<!-- test/spine/readme-plugin.test.ts runs this block';

function quickStart(): string {
  const readme = readFileSync(path.join(APP_ROOT, 'README.md'), 'utf8');
  const at = readme.indexOf(MARKER);
  expect(at, 'the README marks its plugin quick start').to.be.greaterThan(0);
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(at));
  expect(block, 'a sh block follows the marker').to.not.equal(null);
  return block![1]!;
}

describe('README: the plugin quick start works as written', function () {
  this.timeout(240000);
  let home: string;
  before(() => (home = mkdtempSync(path.join(os.tmpdir(), 'cuttle-readme-'))));
  after(() => rmSync(home, { recursive: true, force: true }));

  it('plugin new → npm install → npm test → cuttle loads it', () => {
    const steps = quickStart();
    expect(steps).to.contain('npx cuttle plugin new');
    const env = {
      ...process.env,
      HOME: home,
      npm_config_cache: process.env.npm_config_cache ?? path.join(os.homedir(), '.npm'),
      npm_config_userconfig: process.env.npm_config_userconfig ?? path.join(os.homedir(), '.npmrc'),
    };
    const result = spawnSync('bash', ['-euo', 'pipefail', '-c', steps], { cwd: APP_ROOT, env, encoding: 'utf8', timeout: 230000 });
    const output = `${result.stdout}\n${result.stderr}`;
    expect(result.status, output).to.equal(0);
    const pkg = path.join(home, 'cuttle-plugin-print-log');
    expect(existsSync(path.join(pkg, 'dist', 'index.js'))).to.equal(true);
    // npm test: node's test runner reports the plugin's own test
    expect(result.stdout).to.match(/^# pass 1$/m).and.match(/^# fail 0$/m);
    // the last step: cuttle lists it as loaded, from that folder
    expect(result.stdout).to.match(new RegExp(`^loaded\\s+print-log\\s+0\\.1\\.0\\s+path\\s+${pkg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'));
    // installing did not try to fetch cuttle from the registry
    expect(output).not.to.contain('E404');
  });
});
