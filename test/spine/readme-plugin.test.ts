/**
 * The README's plugin quick start, run exactly as written: the shell block after the marker comment,
 * in cuttle's folder, with HOME set to a temporary folder (so `~/cuttle-plugin-print-log` lands there).
 * Then a host runs the package it built, and its panel shows in Chromium on a printer's page, calling
 * the plugin's own route, counting a print, and changing the plugin's setting.
 * npm keeps using the real cache and user config, so `npm install` needs the registry only for what the
 * cache does not hold (typescript and @types/node, which cuttle's own `npm ci` already put there).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { APP_ROOT } from '../../core/host.js';
import { PrinterRegistry } from '../../core/printers/printer-registry.js';
import { SMALL_GCODE } from '../api/support.js';
import { startTestHost } from '../support/host.js';
import { waitFor } from '../support/wait.js';
import { launchChromium, openWatchedPage } from '../ui/support.js';

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

  it("the package's panel appears on a printer's page in Chromium and calls the plugin's own route", async () => {
    const pkg = path.join(home, 'cuttle-plugin-print-log');
    expect(existsSync(path.join(pkg, 'dist', 'browser', 'panel', 'panel.js')), 'the first case built the package').to.equal(true);
    const [t, browser] = await Promise.all([
      startTestHost({ config: { plugins: { paths: [pkg] }, printers: [{ id: 'p1', name: 'Bench', connection: { port: 'virtual', autoconnect: true } }], serial: { virtual: { speedFactor: 20 } } } }),
      launchChromium(),
    ]);
    try {
      expect(t.host.plugins.list().find((p) => p.id === 'print-log')).to.include({ state: 'loaded', origin: 'path' });
      await waitFor(() => t.get<PrinterRegistry>(PrinterRegistry).get('p1')?.printer.snapshot().state.id === 'OPERATIONAL', 15000);
      const { page, errors } = await openWatchedPage(browser);
      await page.goto(`${t.baseUrl}/printer/p1/?apikey=${t.apiKey}`);
      const panel = 'section[data-panel="print-log/count"]';
      await page.waitForSelector(`${panel} h2:text-is("Print log")`);
      // the count came from the plugin's route, the state from the push stream
      await page.waitForSelector(`${panel} .print-log-count:text-is("0 prints finished since the host started")`);
      await page.waitForSelector(`${panel} p:text-is("The printer is operational.")`);
      // its setting, read and changed through the panel API: config.yaml holds the change
      await page.waitForSelector(`${panel} input.print-log-announce:checked:not([disabled])`);
      await page.uncheck(`${panel} input.print-log-announce`);
      await page.waitForSelector(`${panel} input.print-log-announce:not(:checked):not([disabled])`);
      await waitFor(() => readFileSync(path.join(t.basedir, 'config.yaml'), 'utf8').includes('announce: false'), 5000, 'the setting saved');
      const form = new FormData();
      form.append('file', new Blob([SMALL_GCODE]), 'cube.gcode');
      form.append('print', 'true');
      expect((await fetch(`${t.baseUrl}/printer/p1/api/files/local`, { method: 'POST', headers: { 'X-Api-Key': t.apiKey }, body: form })).status).to.equal(201);
      // PrintDone reached the panel, which asked the route again
      await page.waitForSelector(`${panel} .print-log-count:text-is("1 print finished since the host started")`, { timeout: 20000 });
      expect(errors).to.deep.equal([]);
    } finally {
      await browser.close();
      await t.stop();
    }
  });
});
